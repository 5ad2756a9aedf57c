"""Writing documents: 公文 notices, orders, summaries, blank forms and Excel workbooks."""
