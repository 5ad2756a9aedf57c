"""Bar charts for summaries (matplotlib, Agg backend, an installed Noto CJK font)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from schema.errors import InputError  # noqa: E402

# Installed CJK fonts to try, in order (Debian fonts-noto-cjk); the first found is used.
FONT_FILES = ["NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc", "NotoSansCJK-Bold.ttc",
              "wqy-zenhei.ttc", "ukai.ttc"]
COLORS = ["#c0504d", "#4f81bd", "#9bbb59", "#8064a2"]
LITERAL = {"parse_math": False, "usetex": False}     # unit names are drawn as typed: no math text, no LaTeX


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties:
    """A FontProperties for an installed CJK font; InputError when none is installed."""
    found = {Path(p).name: p for p in font_manager.findSystemFonts()}
    for name in FONT_FILES:
        if name in found:
            return font_manager.FontProperties(fname=found[name])
    raise InputError("找不到中文字体（需要 fonts-noto-cjk），无法绘制统计图", code="no_font")


def bar_chart(categories: list[str], series: dict[str, list[float]], out: Path, title: str = "",
              ylabel: str = "", width_mm: float = 150, height_mm: float = 85) -> Path:
    """Grouped bars, one group per category and one bar per series, values printed on the bars; PNG."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig = bar_figure(categories, series, title, ylabel, width_mm, height_mm)
    try:
        fig.savefig(out, format="png")
    finally:
        plt.close(fig)
    return out


def bar_figure(categories: list[str], series: dict[str, list[float]], title: str = "", ylabel: str = "",
               width_mm: float = 150, height_mm: float = 85):
    """The laid-out matplotlib Figure of bar_chart (the caller closes it); every label is literal text."""
    font = cjk_font()
    n = max(1, len(series))
    fig, ax = plt.subplots(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=200)
    try:
        step = 0.8 / n
        xs = range(len(categories))
        for i, (label, values) in enumerate(series.items()):
            pos = [x - 0.4 + step * (i + 0.5) for x in xs]
            bars = ax.bar(pos, values, width=step * 0.95, label=label, color=COLORS[i % len(COLORS)])
            for b, v in zip(bars, values):
                ax.annotate(f"{v:g}", (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom",
                            fontsize=7, fontproperties=font, xytext=(0, 1), textcoords="offset points")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(categories, fontproperties=font, fontsize=8, **LITERAL,
                           rotation=30 if len(categories) > 6 else 0, ha="right" if len(categories) > 6 else "center")
        for t in ax.get_yticklabels():
            t.set_fontproperties(font)
            t.set_fontsize(8)
        if ylabel:
            ax.set_ylabel(ylabel, fontproperties=font, fontsize=9, **LITERAL)
        if title:
            ax.set_title(title, fontproperties=font, fontsize=11, **LITERAL)
        legend = ax.legend(prop=font_manager.FontProperties(fname=font.get_file(), size=8), frameon=False)
        for t in legend.get_texts():
            t.update(LITERAL)
        ax.spines["top"].set_visible(False)
        ax.spines["right"].set_visible(False)
        ax.margins(y=0.12)
        fig.tight_layout()
    except BaseException:
        plt.close(fig)
        raise
    return fig
