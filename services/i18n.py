"""Every text the bot says, in one place, ready for translation. HTML parse mode.

`t(lang, key, **values)` formats a text; values are inserted as given, so callers escape user or arXiv text.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "welcome": (
            "<b>Papergram</b> turns arXiv papers into readable summaries with the paper's own figures.\n\n"
            "• Send me an arXiv link or ID (e.g. <code>arXiv:2408.14227</code>) and I reply with a summary card "
            "and the figures.\n"
            "• /lang <code>en</code> or <code>zh</code> chooses the language of summaries in this chat.\n"
            "• /help shows this message.\n\n"
            "Titles, authors and links always come from arXiv; only the prose is written by {llm}."
        ),
        "unknown_command": "I don't know that command. Send /help to see what I can do, or just send an arXiv link.",
        "no_paper_hint": "Send me an arXiv link or ID, for example <code>https://arxiv.org/abs/2408.14227</code>.",
        "too_many_papers": "That message names {count} papers; I'm doing the first {limit}.",
        "lang_usage": "Usage: /lang en or /lang zh. Current language: {current}.",
        "lang_set": "Summaries in this chat will be in English.",
        "status_fetching": "⏳ Fetching arXiv:{id}…",
        "status_reading": "📄 Reading the PDF of arXiv:{id}…",
        "status_summarizing": "✍️ Summarizing arXiv:{id}…",
        "status_queued": "🕒 arXiv:{id} is queued behind the papers in progress…",
        "unknown_id": "I could not find arXiv:{id} on arXiv. Check the ID — it may be mistyped or withdrawn.",
        "arxiv_down": "arXiv is not answering right now, so I could not fetch arXiv:{id}. Please try again later.",
        "failed": "Something went wrong while preparing arXiv:{id}. Please try again later.",
        "llm_name_gemini": "Gemini",
        "llm_name_offline": "an offline extractor (no LLM key configured)",
        "menu_start": "What Papergram does",
        "menu_help": "How to use Papergram",
        "menu_lang": "Language of summaries: en or zh",
        "card_summary": "Summary",
        "card_takeaways": "Key takeaways",
        "card_title": "Title",
        "card_authors": "Authors",
        "card_affiliation": "Affiliation",
        "card_keywords": "Keywords",
        "card_urls": "Urls",
        "card_structured": "Summary",
        "card_background": "Research background",
        "card_past": "Past methods, their problems and the motivation",
        "card_method": "Proposed method",
        "card_results": "Tasks and performance",
        "card_methods": "Methods",
        "card_conclusion": "Conclusion",
        "card_significance": "Significance",
        "card_innovation": "Innovation point",
        "card_performance": "Performance",
        "card_workload": "Workload",
        "card_code": "code",
        "card_project": "project page",
        "not_stated": "not stated",
        "more_authors": "+{count} more",
        "note_extract": "This is an extract of the paper's own sentences, not an LLM summary.",
        "note_llm_failed": "{reason}, so this card is an extract of the paper's own sentences.",
        "note_pdf": "The PDF could not be used ({reason}); this card is made from the abstract.",
        "figure_caption": "Fig. {number} — {caption}",
        "table_caption": "Table {number} — {caption}",
        "page_caption": "First page of arXiv:{id}",
    },
    "zh": {
        "welcome": (
            "<b>Papergram</b> 把 arXiv 论文变成易读的摘要，并附上论文自己的图。\n\n"
            "• 发送 arXiv 链接或编号（例如 <code>arXiv:2408.14227</code>），我会回复一张摘要卡片和论文图片。\n"
            "• /lang <code>en</code> 或 <code>zh</code> 设置本聊天的摘要语言。\n"
            "• /help 显示本说明。\n\n"
            "标题、作者和链接一律来自 arXiv；只有正文由 {llm} 撰写。"
        ),
        "unknown_command": "我不认识这个命令。发送 /help 查看用法，或直接发送 arXiv 链接。",
        "no_paper_hint": "请发送 arXiv 链接或编号，例如 <code>https://arxiv.org/abs/2408.14227</code>。",
        "too_many_papers": "这条消息包含 {count} 篇论文，我先处理前 {limit} 篇。",
        "lang_usage": "用法：/lang en 或 /lang zh。当前语言：{current}。",
        "lang_set": "本聊天的摘要将使用中文。",
        "status_fetching": "⏳ 正在获取 arXiv:{id}…",
        "status_reading": "📄 正在阅读 arXiv:{id} 的 PDF…",
        "status_summarizing": "✍️ 正在总结 arXiv:{id}…",
        "status_queued": "🕒 arXiv:{id} 正在排队，等待前面的论文处理完…",
        "unknown_id": "在 arXiv 上找不到 arXiv:{id}。请检查编号，它可能有误或已撤回。",
        "arxiv_down": "arXiv 暂时没有响应，无法获取 arXiv:{id}。请稍后再试。",
        "failed": "处理 arXiv:{id} 时出错了，请稍后再试。",
        "llm_name_gemini": "Gemini",
        "llm_name_offline": "离线抽取器（未配置大模型密钥）",
        "menu_start": "Papergram 能做什么",
        "menu_help": "Papergram 使用说明",
        "menu_lang": "摘要语言：en 或 zh",
        "card_summary": "一句话总结",
        "card_takeaways": "要点",
        "card_title": "标题",
        "card_authors": "作者",
        "card_affiliation": "第一作者单位",
        "card_keywords": "关键词",
        "card_urls": "链接",
        "card_structured": "摘要",
        "card_background": "研究背景",
        "card_past": "过去的方法、问题与动机",
        "card_method": "本文方法",
        "card_results": "任务与性能",
        "card_methods": "方法步骤",
        "card_conclusion": "结论",
        "card_significance": "意义",
        "card_innovation": "创新点",
        "card_performance": "性能",
        "card_workload": "工作量",
        "card_code": "代码",
        "card_project": "项目主页",
        "not_stated": "未说明",
        "more_authors": "等 {count} 人",
        "note_extract": "本卡片摘自论文原句，不是大模型生成的摘要。",
        "note_llm_failed": "{reason}，因此本卡片摘自论文原句。",
        "note_pdf": "无法使用 PDF（{reason}），本卡片根据摘要生成。",
        "figure_caption": "图 {number} — {caption}",
        "table_caption": "表 {number} — {caption}",
        "page_caption": "arXiv:{id} 第一页",
    },
}

MENU_COMMANDS = ("start", "help", "lang")
"""Commands shown in Telegram's menu, in order; descriptions are the `menu_<name>` texts."""


def normalize_language(code: str | None) -> str:
    """Map a Telegram `language_code` (e.g. `zh-hans`, `en-US`) to a supported language, English otherwise."""
    if code and code.lower().startswith("zh"):
        return "zh"
    return "en"


def t(lang: str, key: str, **values: object) -> str:
    table = TEXTS.get(lang, TEXTS["en"])
    text = table.get(key) or TEXTS["en"][key]
    return text.format(**values) if values else text
