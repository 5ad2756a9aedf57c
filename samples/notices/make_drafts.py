"""Turn the five seed notices (/work/shared/seeds) into paicha drafts (run once; the drafts are committed).

Per seed: front matter fixed by hand below (the seeds' own layout errors corrected,
e.g. [2024] → 〔2024〕), body = the notice text, `# title` for the 印发 plan,
form attachments as `表:` types; hard-wrapped lines are re-joined.
"""
import re
import sys
from pathlib import Path

import yaml

SEEDS = Path("/work/shared/seeds")
OUT = Path(__file__).parent
END = "。：；！？”）)…"
HEAD = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|[（(]\d+[）)])")

META = {
    "000": ("000_城区发改局_大排查大整治", {
        "发文机关": "晋城市城区发展和改革局", "发文字号": "城发改字〔2023〕15号",
        "标题": "晋城市城区发展和改革局\n关于印发《安全生产大排查大整治行动方案》的通知",
        "主送机关": "各相关企业", "成文日期": "2023年3月2日",
        "附件": [{"名称": "生产经营单位摸底登记表", "表": "enterprise_register"},
               {"名称": "生产经营单位自查表", "表": "self_check"},
               {"名称": "镇（街道）、部门督导检查表", "表": "supervision_check"},
               {"名称": "镇（街道）、部门大排查大整治行动统计表", "表": "campaign_stats"},
               {"名称": "非法违法生产经营行为、重大隐患统计表", "表": "major_hazard_list"}],
        "抄送": ["区安委办"], "印发机关": "晋城市城区发展和改革局办公室", "印发日期": "2023年3月2日"},
        "晋城市城区发展和改革委员会 安全生产大排查大整治行动方案", "附件 1"),
    "001": ("001_兴县应急局_冶金工贸大检查", {
        "发文机关": "兴县应急管理局", "发文字号": "兴应急发〔2022〕18号",
        "标题": "兴县应急管理局\n关于深入开展冶金工贸行业\n安全生产大检查大整治大提升行动的通知",
        "主送机关": "各有关企业", "成文日期": "2022年7月1日", "附注": "此件公开发布",
        "附件": [{"名称": "冶金工贸行业安全生产大检查大整治大提升专项行动统计报表", "表": "inspection_stats"}],
        "抄送": ["县安委办"], "印发机关": "兴县应急管理局办公室", "印发日期": "2022年7月1日"},
        None, "附件："),
    "002": ("002_南庄镇_重大事故隐患专项排查整治", {
        "发文机关": "文水县南庄镇人民政府", "发文机关标志": "文水县南庄镇人民政府文件", "发文字号": "南政发〔2023〕14号",
        "标题": "南庄镇人民政府\n关于印发全镇重大事故隐患专项排查整治\n2023行动实施方案的通知",
        "主送机关": "各村委、各站所", "成文日期": "2023年4月20日", "盖章": True,
        "附件": [{"名称": "全镇重大事故隐患专项排查整治2023行动进展情况调度表", "表": "progress_dispatch"}],
        "抄送": ["县安委办", "县应急管理局"], "印发机关": "文水县南庄镇党政办公室", "印发日期": "2023年4月20日"},
        "全镇重大事故隐患专项排查整治2023行动实施方案", "附件："),
    "003": ("003_晋中安委会_后四个月安全防范", {
        "发文机关": "晋中市安全生产委员会", "发文字号": "市安发〔2021〕17号",
        "标题": "晋中市安全生产委员会\n关于做好当前及后四个月安全防范工作\n扎实有效开展安全检查督导的通知",
        "主送机关": "各县（区、市）安委会，市安委会有关成员单位", "成文日期": "2021年8月30日", "盖章": True,
        "附件": [{"名称": "全市安全检查督导情况统计表", "表": "inspection_stats"}],
        "抄送": ["市委办公室", "市人大常委会办公室", "市政府办公室", "市政协办公室"],
        "印发机关": "晋中市安全生产委员会办公室", "印发日期": "2021年8月30日"},
        None, "附件："),
    "004": ("004_晋城安委会_治本攻坚三年行动", {
        "发文机关": "晋城市安全生产委员会", "发文字号": "晋市安委发〔2024〕6号",
        "标题": "晋城市安全生产委员会\n关于印发《晋城市安全生产治本攻坚三年行动\n实施方案（2024—2026年）》的通知",
        "主送机关": "各县（市、区）人民政府，市安委会各成员单位", "成文日期": "2024年2月6日", "盖章": True,
        "附件": ["晋城市安全生产治本攻坚三年行动领导小组", "晋城市安全生产委员会成员单位名单"],
        "印发机关": "晋城市安全生产委员会办公室", "印发日期": "2024年2月6日"},
        "晋城市安全生产治本攻坚三年行动实施方案（2024—2026年）", "附件:1."),
}
SKIP = re.compile(r"^(— .* —|— - \d+ - —|-\s*\d+\s*-|\d+)$")


def clean(lines: list[str]) -> list[str]:
    out: list[str] = []
    for ln in lines:
        ln = ln.strip().replace("\t", " ").replace("~~", "")
        if not ln or SKIP.match(ln):
            continue
        if out and not out[-1].startswith(("|", "# ")) and not ln.startswith(("|", "# ")) and out[-1][-1] not in END \
                and not HEAD.match(ln) and len(out[-1]) > 20 and not re.match(r"^.{1,8}[：:]", ln):
            out[-1] += ln
        else:
            out.append(ln)
    return out


def make(key: str) -> Path:
    name, meta, plan_title, stop = META[key]
    seed = next(SEEDS.glob(f"{key}_*.txt"))
    lines = [ln for ln in seed.read_text(encoding="utf-8").splitlines()]
    text = [ln.strip() for ln in lines if ln.strip()]
    # notice text: after the 主送机关 line up to the signature / the 附件 list
    start = next(i for i, ln in enumerate(text) if ln.rstrip("：:") .replace("(", "（").replace(")", "）").replace(",", "，")
                 == meta["主送机关"]) + 1
    end = next(i for i, ln in enumerate(text) if i > start and ln.startswith(stop))
    body = [ln for ln in text[start:end] if ln not in (meta["发文机关"], meta["成文日期"])
            and not re.match(r"^\d{4}年\d+月\d+日$", ln) and not ln.startswith(("附件：", "附件:"))]
    if plan_title:
        i = next((i for i, ln in enumerate(body) if ln.replace(" ", "").startswith(plan_title.replace(" ", "")[:10])), None)
        if i is None:       # 002: the seed lost the plan's title; it starts after the notice's last sentence
            i = next(i for i, ln in enumerate(body) if ln.endswith("落实。")) + 1
            body.insert(i, "")
        body[i] = "# " + plan_title
    body = clean(body)
    if key == "004":
        # the two attachments are lists: keep their text under 附件1 / 附件2
        a1 = text.index("附件 1")
        a2 = next(i for i, ln in enumerate(text) if ln.replace(" ", "") == "附件2")
        tail = next((i for i, ln in enumerate(text) if i > a2 and ln.startswith(("抄送", "晋城市安全生产委员会办公室"))), len(text))
        body += ["", "附件1"] + clean(text[a1 + 1:a2]) + ["", "附件2"] + clean(text[a2 + 1:tail])
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=200)
    out = OUT / f"{name}.md"
    out.write_text("---\n" + head + "---\n" + "\n".join(body).replace("[", "〔").replace("]", "〕") + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    for k in sys.argv[1:] or META:
        print(make(k))
