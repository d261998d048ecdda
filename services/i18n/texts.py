"""Every text the bot says, in English and Chinese: data only (HTML parse mode). Lookup is `services.i18n.t`."""

from __future__ import annotations

INTERFACE_LANGUAGES = ("en", "zh")
"""The bot's own texts; a chat in any other language reads them in English (see services/languages.py)."""

Text = str | dict[str, str]
"""A text, or its plural forms by CLDR category (`one`, `few`, `many`, `other`…), chosen by `count`."""

TEXTS: dict[str, dict[str, Text]] = {
    "en": {
        "welcome": (
            "<b>Papergram</b> turns arXiv papers into readable summaries with the paper's own figures.\n\n"
            "• Send me an arXiv link or ID (e.g. <code>arXiv:2408.14227</code>) and I reply with a summary card "
            "and the figures.\n"
            "• /subscribe <code>cs.CV</code>, keywords, <code>au:\"Name\"</code> or an arXiv query: a digest of "
            "new papers every announcement day. /topics, /time, /digest, /settings.\n"
            "• Reply to a card (or one of its figures) with a question about the paper; /fig <code>N</code> as a "
            "reply explains figure N. 🔖 saves a paper (/saved), 📎 and /bib give BibTeX.\n"
            "• Add me to a group, or set up a channel with /channel.\n"
            "• /lang and any language (<code>/lang de</code>, <code>/lang 日本語</code>): summaries in it here.\n"
            "• /help lists every command.\n\n"
            "Titles, authors and links always come from arXiv; only the prose is written by {llm}."
        ),
        "help": (
            "<b>Commands</b>\n"
            "<b>Papers</b> — send a link or ID; reply to a card to ask about it; /fig <code>2</code> as a reply "
            "explains figure 2; /bib as a reply gives BibTeX; /diff <code>2408.14227</code> says what changed in "
            "its latest version; a PDF sent as a file gets its card; /search <code>diffusion transformers</code> "
            "finds papers on arXiv; /compare <code>2403.03206 2210.02747</code> puts papers side by side.\n"
            "<b>Digests</b> — /subscribe <code>cs.CV</code> · <code>diffusion models</code> · "
            "<code>au:\"Yann LeCun\"</code> · <code>about: a sentence</code>; /topics, /unsubscribe <code>2</code>, "
            "/time <code>08:30 Europe/Berlin</code>, /digest (now), /pause, /resume, /export.\n"
            "<b>Taste</b> — 👍 👎 on cards, /like <code>2403.03206</code>, or send a .bib file.\n"
            "<b>Reading list</b> — 🔖 on cards, /saved, /bib.\n"
            "<b>This chat</b> — /settings, /lang <code>de</code>, /usage; /channel <code>@name subscribe cs.CV</code> "
            "for a channel you administer."
        ),
        "pdf_not_arxiv": ("I could not find an arXiv ID in this PDF (its file name or the stamp on its first page). "
                          "Send the paper's arXiv link instead."),
        "pdf_too_big": "That PDF is {size} MB; I read files up to {limit} MB. Send its arXiv link instead.",
        "did_you_mean": "I don't know /{typed}. Did you mean /{command}?",
        "time_bad": ("{text} is not a time of day: give hours 00–23 and minutes 00–59, e.g. "
                     "<code>/time 08:30 Europe/Berlin</code>."),
        "export_bad_day": "{text} is not a date: give it as YYYY-MM-DD, e.g. <code>/export 2024-08-26</code>.",
        "photo_hint": ("I read papers, not pictures. Send an arXiv link or ID (e.g. <code>2408.14227</code>), or the "
                       "paper's PDF as a file."),
        "unknown_command": "I don't know that command. Send /help to see what I can do, or just send an arXiv link.",
        "no_paper_hint": "Send me an arXiv link or ID, for example <code>https://arxiv.org/abs/2408.14227</code>.",
        "too_many_papers": {"one": "That message names {count} paper; I'm doing the first {limit}.",
                            "other": "That message names {count} papers; I'm doing the first {limit}."},
        "lang_usage": (
            "Usage: /lang and a language, as a code or a name: <code>/lang en</code>, <code>/lang zh</code>, "
            "<code>/lang ja</code>, <code>/lang Deutsch</code>. Current language: {current}."
        ),
        "lang_unknown": "I do not know the language {text}. Try its ISO code (ja, de, pt) or its name (Japanese, "
                        "Deutsch).",
        "lang_set": "Summaries in this chat will be in English.",
        "lang_set_other": "Summaries in this chat will be in {name}. My own messages stay in English.",
        "lang_set_translating": ("Summaries in this chat will be in {name}. My own messages follow in {name} as soon "
                                 "as they are translated (once, checked; English until then)."),
        "status_fetching": "⏳ Fetching arXiv:{id}…",
        "status_reading": "📄 Reading the PDF of arXiv:{id}…",
        "status_summarizing": "✍️ Summarizing arXiv:{id}…",
        "status_queued": "🕒 arXiv:{id} is queued behind the papers in progress…",
        "unknown_id": "I could not find arXiv:{id} on arXiv. Check the ID — it may be mistyped or withdrawn.",
        "arxiv_down": "arXiv is not answering right now, so I could not fetch arXiv:{id}. Please try again later.",
        "failed": "Something went wrong while preparing arXiv:{id}. Please try again later.",
        "error_apology": "Sorry, something went wrong on my side with that. Please try again in a minute; "
                         "if it keeps failing, send /help.",
        "storage_broken": "Sorry, my storage is damaged, so I cannot save anything right now. The operator has been "
                          "told in the logs; your topics and settings are kept as they were.",
        "storage_busy": "Sorry, another program is writing to my storage right now, so that was not saved. Please "
                        "try again in a minute; your topics and settings are as they were.",
        "storage_wait": "⏳ Another program is writing to my storage right now; I will do this as soon as it is "
                        "done.",
        "button_expired": "This button no longer works. Send the command again for fresh buttons.",
        "bib_button": "📎 BibTeX",
        "bib_caption": "BibTeX of arXiv:{id}, from arXiv's metadata.",
        "bib_list_caption": {"one": "BibTeX of the {count} paper on this chat's reading list.",
                             "other": "BibTeX of the {count} papers on this chat's reading list."},
        "saved_none": "This chat's reading list is empty. Press 🔖 under a card to save it here.",
        "saved_header": {"one": "<b>Reading list</b> · {count} paper · page {page}/{pages}",
                         "other": "<b>Reading list</b> · {count} papers · page {page}/{pages}"},
        "saved_added": "🔖 Saved to this chat's reading list (/saved).",
        "saved_already": "It is on this chat's reading list already (/saved).",
        "saved_removed": "Removed from the reading list.",
        "saved_read": "Marked read.",
        "unread_reminder": {"one": "📚 {count} paper on your reading list is still unread:",
                            "other": "📚 {count} papers on your reading list are still unread:"},
        "saved_unread": "Marked unread.",
        "saved_export_caption": {"one": "The reading list ({count} paper) for Zotero, Mendeley or EndNote: {kind}.",
                                 "other": "The reading list ({count} papers) for Zotero, Mendeley or EndNote: {kind}."},
        "menu_saved": "This chat's reading list",
        "bib_usage": "Reply <code>/bib</code> to a card (or send <code>/bib 2408.14227</code>) for its BibTeX.",
        "menu_bib": "BibTeX of a paper: reply /bib to its card",
        "menu_fig": "Explain a figure: reply /fig N to a card",
        "menu_diff": "What changed between two versions of a paper",
        "diff_usage": "Send <code>/diff 2408.14227</code> for what changed in the latest version, or "
                      "<code>/diff 2408.14227 v1 v3</code> for two versions of your choice.",
        "diff_one_version": "arXiv:{id} has one version only: there is nothing to compare.",
        "diff_bad_versions": "arXiv:{id} has versions v1 to v{latest}: pick two different ones among them.",
        "status_comparing": "Comparing arXiv:{old} with arXiv:{new}…",
        "diff_title": "🔀 <b>What changed</b>: {old} → {new}",
        "diff_added": "<b>Sections added</b>: {names}",
        "diff_removed": "<b>Sections removed</b>: {names}",
        "diff_rewritten": "<b>Sections rewritten</b>: {names}",
        "diff_numbers": "<b>Numbers that changed</b>",
        "diff_unchanged": "The two versions say the same: only their metadata or layout changed.",
        "diff_unread": "I could not read the PDF of {ids}, so I cannot compare the texts.",
        "diff_offline": "Found by comparing the two texts; no LLM account.",
        "digest_revised": "🔀 <b>New versions of papers you had</b> — tap 🔀 to see what changed:",
        "usage": (
            "<b>Today (UTC)</b>\nLLM calls: {calls} of {budget}\nSummaries from the cache: {hits} ({rate} of all)\n"
            "Summarizer: {provider}"
        ),
        "usage_no_limit": "no limit",
        "menu_usage": "Today's LLM calls, budget and cache (admins)",
        "restart_too_late": "I was restarted before arXiv:{id} was ready, and it is a while ago now. "
                            "Please send the link again if you still want the card.",
        "llm_name_offline": "an offline extractor (no LLM key configured)",
        "menu_start": "What Papergram does",
        "menu_search": "Search arXiv: /search <words, au:, ti:, cat:>",
        "menu_compare": "Compare 2–5 papers side by side",
        "menu_help": "How to use Papergram",
        "menu_lang": "Language of summaries: en, zh, ja, de, …",
        "menu_subscribe": "Follow a topic: category, keywords, author or query",
        "menu_topics": "Topics of this chat",
        "menu_unsubscribe": "Stop following a topic",
        "menu_time": "Digest time and time zone, e.g. 08:30 Asia/Shanghai",
        "menu_digest": "Today's digest now",
        "menu_pause": "Pause digests",
        "menu_resume": "Resume digests",
        "menu_settings": "Digest mode, replacements, cross-lists, archives",
        "menu_channel": "Set up a channel feed: /channel @name subscribe cs.CV",
        "menu_export": "The latest digest as Markdown posts for a blog",
        "card_summary": "Summary",
        "figure_label": "Fig. {number}",
        "table_label": "Table {number}",
        "not_from_arxiv": "Not from arXiv: title and authors as its first page prints them",
        "pdf_not_readable": "I could not read this PDF (damaged, encrypted or empty).",
        "like_limit": "I take {limit} papers a /like: send the other {rest} in another one.",
        "export_queued": "Other exports are being built: yours follows in a moment.",
        "presses_too_fast": "One moment: that was faster than I can read.",
        "ask_button": "❓ Ask",
        "figures_button": "🖼 Figures",
        "more_button": "⋯ More",
        "abstract_button": "📄 Abstract",
        "similar_button": "🔗 Similar papers",
        "compare_usage": ("🆚 <b>/compare</b> 2 to 5 papers side by side, e.g. "
                          "<code>/compare 2403.03206 2210.02747</code>."),
        "compare_working": {"one": "🆚 Comparing {count} paper…", "other": "🆚 Comparing {count} papers…"},
        "compare_title": {"one": "🆚 {count} paper side by side", "other": "🆚 {count} papers side by side"},
        "compare_aspect_problem": "Problem",
        "compare_aspect_method": "Method",
        "compare_aspect_data": "Data and compute",
        "compare_aspect_result": "Main result",
        "compare_aspect_limitation": "Limitation",
        "compare_unknown": "arXiv does not know {ids}: I compared the others.",
        "compare_none": "—",
        "compare_button": "🆚 Compare",
        "signal_upvotes": "▲ {count} on HF",
        "signal_stars": "★ {count}",
        "signal_citations": {"one": "{count} citation", "other": "{count} citations"},
        "similar_header": "🔗 <b>Papers like</b> {title}",
        "similar_shares": "shares: {words}",
        "similar_none": "I know no paper like this one yet, and arXiv found none for its words.",
        "saved_button": "✅ Saved",
        "ask_prompt": "Ask about <b>{title}</b>: reply to this message with your question.",
        "ask_placeholder": "Your question about the paper",
        "abstract_of": "<b>Abstract</b> · {title}",
        "card_details": "Details: background, method, results, limits",
        "full_card_button": "📄 Full card",
        "guest_nothing": "No arXiv paper found for “{text}”: write an arXiv ID or link after my name.",
        "full_card_link": "Open the full card with figures",
        "card_contribution": "TL;DR",
        "card_limitations": "Limitations",
        "note_extract_language": "No LLM is configured: the text below is an English extract of the paper's own "
                                 "sentences.",
        "note_numbers_removed": {
            "one": "{count} statement was removed because its numbers or links do not appear in the paper.",
            "other": "{count} statements were removed because their numbers or links do not appear in the paper."},
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
        "note_extract": "Quoted from the paper: no LLM summary.",
        "note_llm_failed": "{reason}, so this card is an extract of the paper's own sentences.",
        "note_pdf": "The PDF could not be used ({reason}); this card is made from the abstract.",
        "note_provisional": "The PDF is slow to arrive: this card is quoted from the abstract for now and is "
                            "completed here when the PDF comes.",
        "note_figures": "The figures took too long to draw; this card has none.",
        "licence_arxiv": "arXiv licence (no reuse)",
        "licence_unknown": "not known",
        "figures_credit": "© {authors}, arXiv:{id}",
        "figures_elsewhere": "🖼 The figures of arXiv:{id} are on arXiv: <a href=\"{url}\">{url}</a> — the paper's "
                             "licence ({licence}) does not let this chat republish them.",
        "answer_offline": "📖 <b>The paper's passages that best match your question</b> — quoted as written, no LLM "
                          "({why}):",
        "answer_offline_no_llm": "no LLM key is configured",
        "answer_offline_budget": "today's LLM budget is used up",
        "answer_offline_failed": "the LLM failed: {reason}",
        "answer_no_passage": "No passage of the paper matches your question, and no LLM can answer it ({why}). "
                             "Ask with words the paper would use (in English), or ask about a figure with /fig N.",
        "answer_stopped": "⏹ Stopped: the answer as far as it was written.",
        "answer_numbers_removed": {
            "one": "✂️ {count} sentence removed: its numbers or links are not in the paper.",
            "other": "✂️ {count} sentences removed: their numbers or links are not in the paper."},
        "answer_from_abstract": "⚠️ The PDF could not be used ({reason}): this answer rests on the abstract only.",
        "answer_cited_from": "§ {section}",
        "question_too_long": "Your question is {length} characters long; please ask in fewer than {limit}.",
        "question_not_card": "Reply to one of my paper cards (or one of its figures) to ask about that paper.",
        "fig_usage": "Reply to a paper card with <code>/fig N</code> to have its figure N explained.",
        "fig_unknown": "This paper's card has no figure {number}. Its figures: {numbers}.",
        "fig_none": "I found no figures in this paper.",
        "fig_button": "🔍 Fig. {number}",
        "figure_caption": "Fig. {number} — {caption}",
        "table_caption": "Table {number} — {caption}",
        "page_caption": "First page of arXiv:{id}",
        "digest_header": {"one": "<b>{topic}</b> — {day} · {count} new paper",
                          "other": "<b>{topic}</b> — {day} · {count} new papers"},
        "digest_header_capped": "<b>{topic}</b> — {day} · showing {shown} of {total}",
        "digest_continued": "<b>{topic}</b> (continued)",
        "digest_button": "📄 {number}",
        "digest_more": {"one": "…and {count} more paper today.", "other": "…and {count} more papers today."},
        "digest_more_button": "Show {count} more",
        "digest_more_gone": "Nothing more to show for that day: sent already, or older than a week.",
        "digest_rest": "More papers",
        "tables_button": "📊 Tables",
        "export_none": "There is no digest to export for that day. Usage: /export or /export 2024-08-26.",
        "export_caption": "Digest of {day} as Markdown posts with their figures, ready for a blog.",
        "no_tables": "I found no numbered tables in arXiv:{id}.",
        "digest_quiet": "No new papers on your topics today (arXiv announced nothing new).",
        "digest_nothing": "No new papers on your topics since the last digest.",
        "digest_queued": {"one": "Your digest with {count} paper is on its way.",
                          "other": "Your digest with {count} papers is on its way."},
        "digest_preparing": "⏳ Preparing your digest…",
        "subscribe_usage": (
            "Send /subscribe and a topic, for example <code>/subscribe cs.CV</code>. A topic can be:\n"
            "• a category: <code>cs.CV</code>\n"
            "• keywords: <code>diffusion models</code> (all words in title or abstract), or a phrase in quotes\n"
            "• an author: <code>au:\"Yann LeCun\"</code>\n"
            "• arXiv query syntax: <code>ti:diffusion AND cat:cs.CV</code>\n"
            "• a sentence, matched by meaning: <code>about: making diffusion sampling faster</code>\n"
            "Word forms do not matter: <code>diffusion model</code> also finds \"Diffusion Models\", "
            "<code>text-to-image</code> finds \"text to image\"."
        ),
        "subscribed": "Subscribed to <b>{topic}</b> ({kind}). Digest every announcement day at {time} ({zone}).",
        "subscribe_duplicate": "This chat already follows <b>{topic}</b>.",
        "subscribe_limit": "A chat can follow at most {limit} topics. Remove one with /topics first.",
        "topic_error_empty": "The topic is empty.",
        "topic_error_too_long": "A topic can be at most {limit} characters long.",
        "topic_error_unknown_category": "arXiv has no such category. Examples: cs.CV, cs.CL, stat.ML, hep-th.",
        "topic_error_unknown_field": "Unknown field. Use ti:, abs:, au:, cat: or all:.",
        "topic_error_syntax": "I could not read that query: check the parentheses and AND / OR / ANDNOT.",
        "kind_category": "category",
        "kind_keyword": "keywords",
        "kind_author": "author",
        "kind_query": "query",
        "kind_about": "a sentence, matched by meaning",
        "kind_about_words": "a sentence, matched by its words — no Gemini key is set, so meaning is not compared",
        "kind_trending": "the week's papers ranked by Hugging Face upvotes, stars and citations",
        "trending_off": ("⚠️ This bot reads no popularity source (its operator turned Hugging Face, GitHub and "
                         "Semantic Scholar off), so this topic will stay empty until one is on."),
        "why_matches": "matches: {terms}",
        "why_alias": "matches {names} (another name for {topic})",
        "why_checked": "about {topic} by its abstract, not its words (LLM)",
        "search_usage": "🔎 <b>/search</b> finds papers on arXiv, best first (and by your 👍 once you rated some):\n"
                        "<code>/search diffusion transformers</code>\n<code>/search au:LeCun ti:energy</code>\n"
                        "<code>/search cat:cs.CL retrieval augmented</code>",
        "search_header": {"one": "🔎 <b>{query}</b> · {count} paper · page {page} of {pages}",
                          "other": "🔎 <b>{query}</b> · {count} papers · page {page} of {pages}"},
        "search_none": "🔎 Nothing on arXiv for <b>{query}</b>. Fewer or other words may find more.",
        "search_down": "🔎 arXiv does not answer just now; please search again in a minute.",
        "search_gone": "This search is too old to page through; search again.",
        "names_offered": "<b>{topic}</b> also matches papers that say: {names}. ✖ drops a name.",
        "name_drop_button": "✖ {name}",
        "name_dropped": "“{name}” no longer matches {topic}.",
        "topics_also": "    also: {names}",
        "topics_never": "    not: {names}",
        "stop_name_offer": "This paper came under <b>{topic}</b> only as “{name}”.",
        "stop_name_button": "🚫 Stop matching “{name}” for this topic",
        "stop_name_done": "From now on “{name}” no longer matches <b>{topic}</b>.",
        "stop_name_gone": "That topic is no longer followed here.",
        "stop_checked_offer": "The LLM added this paper to <b>{topic}</b> from its abstract: it does not use the "
                              "topic's words.",
        "stop_checked_button": "🚫 Only papers with its words",
        "stop_checked_done": "From now on <b>{topic}</b> brings only papers with its words.",
        "topics_words_only": "    only papers with its words",
        "why_liked": {"one": "like {count} paper you rated 👍", "other": "like {count} papers you rated 👍"},
        "rated_like": "👍 noted: papers like this one will rank higher here ({likes} 👍, {dislikes} 👎 so far).",
        "rated_dislike": "👎 noted: papers like this one will rank lower here ({likes} 👍, {dislikes} 👎 so far).",
        "rate_refused": "This paper was not sent to this chat, so it cannot be rated here.",
        "like_usage": (
            "Usage: /like followed by arXiv links or IDs, e.g. <code>/like 2006.11239 1706.03762</code> — or send "
            "me a <code>.bib</code> file. Liked papers teach this chat's digests what to rank first."
        ),
        "like_done": (
            "Liked {count} papers ({known} recognised of {total}). Digests here now rank similar papers higher."
        ),
        "like_none": "I recognised none of those as arXiv papers; nothing was changed.",
        "bib_too_big": "That file is too large ({size} KB; at most {limit} KB). Nothing was changed.",
        "bib_not_text": "That file is not a text BibTeX file. Nothing was changed.",
        "bib_no_entries": "I found no BibTeX entries in that file. Nothing was changed.",
        "bib_download_failed": "I could not download that file from Telegram. Please send it again.",
        "bib_done": (
            "From {entries} BibTeX entries I recognised {known}: {ids} arXiv papers and {titles} by their title. "
            "Digests here now rank similar papers higher."
        ),
        "menu_like": "Teach the digest your taste: /like <arXiv IDs> or send a .bib",
        "topics_none": "This chat follows no topics yet. Try /subscribe cs.CV",
        "topics_list": "Topics of this chat (digest at {time}, {zone}{paused}):",
        "topics_paused": ", paused",
        "topic_remove_button": "✖ {topic}",
        "unsubscribe_usage": ("Send /unsubscribe and the topic's number or name, e.g. <code>/unsubscribe 2</code>, "
                              "or press ✖ under /topics."),
        "unsubscribed": "Unsubscribed from <b>{topic}</b>.",
        "unsubscribe_unknown": "This chat does not follow that topic. See /topics.",
        "time_usage": "Usage: /time 08:30 Asia/Shanghai — a time (HH:MM) and an IANA time zone. Now: {time} {zone}.",
        "time_bad_zone": "Unknown time zone {zone}. Use an IANA name like Europe/Berlin or Asia/Shanghai.",
        "time_set": "Daily digest at {time} ({zone}).",
        "settings": (
            "<b>Settings of this chat</b>\n"
            "mode: {mode} (overview: one list per topic; full: every card)\n"
            "replacements: {replacements} (new versions of papers)\n"
            "crosslists: {crosslists} (papers cross-listed into your categories)\n"
            "quiet: {quiet} (a line on days arXiv announces nothing)\n"
            "archives: {archives} (searched for keyword, author and query topics)\n"
            "group_cards: {group_cards} (groups: 📄 opens the card privately, or here in the group)\n"
            "figures: {figures} (all; licensed: only figures whose licence lets anyone republish them, with "
            "credit — channels; noncommercial: non-commercial licences too)\n"
            "cards: {cards} (rich: one message with a table and a slideshow of figures; classic: text and an "
            "album)\n"
            "popularity: {popularity} (off, low, high: how much Hugging Face upvotes, stars and citations lift a "
            "paper in the ranking)\n"
            "schedule: {schedule} (daily; weekly fri: the week's best once a week, with what the reading list "
            "has unread)\n"
            "language: {language} · digest at {time} ({zone})\n\n"
            "Change with e.g. <code>/settings mode full</code>, <code>/settings replacements on</code>, "
            "<code>/settings archives cs,stat</code>."
        ),
        "settings_bad": "I could not use that setting. Send /settings to see the choices.",
        "settings_set": "Done: {name} is now {value}.",
        "group_welcome": (
            "Hello! I turn arXiv papers into summaries with their figures.\n"
            "• Admins: <code>/subscribe cs.CV</code> (or keywords, <code>au:\"Name\"</code>, a query) "
            "for a daily digest here; /time sets when.\n• Everyone: send an arXiv link for its card; /topics, /digest."
        ),
        "group_privacy": "I can't read all messages here (privacy mode): mention me or reply to me with a link.",
        "channel_usage": (
            "Send /channel, the channel's @name and a command, for example "
            "<code>/channel @mychannel subscribe cs.CV</code>. "
            "Commands: subscribe, unsubscribe, topics, time, pause, resume, settings, lang, digest, like."
        ),
        "channel_not_found": "I can't find the channel {name}. Check the name, and add me to it as an admin.",
        "channel_not_admin": "You are not an admin of {name}, so you can't change its feed.",
        "channel_bot_cannot_post": "I can't post in {name}: add me as an admin with permission to post messages.",
        "channel_done": "{name}: {reply}",
        "via_bot": "🤖 Cards and figures: @{bot}",
        "admins_only": (
            "Only this group's admins can change its topics and settings. "
            "Everyone can use /topics, /digest and send links."
        ),
        "paused": "Digests paused. /resume to start them again; your topics are kept.",
        "resumed": "Digests resumed.",
    },
    "zh": {
        "welcome": (
            "<b>Papergram</b> 把 arXiv 论文变成易读的摘要，并附上论文自己的图。\n\n"
            "• 发送 arXiv 链接或编号（例如 <code>arXiv:2408.14227</code>），我会回复一张摘要卡片和论文图片。\n"
            "• /subscribe <code>cs.CV</code>、关键词、<code>au:\"姓名\"</code> 或 arXiv 查询："
            "每个发布日推送新论文摘要。/topics、/time、/digest、/settings。\n"
            "• 回复卡片（或其中的图）即可就论文提问；对卡片回复 /fig <code>N</code> 解读第 N 张图。"
            "🔖 收藏论文（/saved），📎 与 /bib 获取 BibTeX。\n"
            "• 把我加入群组，或用 /channel 设置频道推送。\n"
            "• /lang 加任意语言（<code>/lang de</code>、<code>/lang 日本語</code>）：本聊天的摘要用该语言。\n"
            "• /help 列出全部命令。\n\n"
            "标题、作者和链接一律来自 arXiv；只有正文由 {llm} 撰写。"
        ),
        "help": (
            "<b>命令</b>\n"
            "<b>论文</b> — 发送链接或编号；回复卡片即可提问；对卡片回复 /fig <code>2</code> 解读图 2；回复 /bib 获取 "
            "BibTeX；/diff <code>2408.14227</code> 说明最新版本改了什么；把 PDF 作为文件发来即可得到卡片；"
            "/search <code>diffusion transformers</code> 在 arXiv 上搜索论文；"
            "/compare <code>2403.03206 2210.02747</code> 并排比较论文。\n"
            "<b>摘要推送</b> — /subscribe <code>cs.CV</code> · <code>diffusion models</code> · "
            "<code>au:\"Yann LeCun\"</code> · <code>about: 一句话</code>；/topics、/unsubscribe <code>2</code>、"
            "/time <code>08:30 Asia/Shanghai</code>、/digest（立即）、/pause、/resume、/export。\n"
            "<b>偏好</b> — 卡片上的 👍 👎、/like <code>2403.03206</code>，或发送 .bib 文件。\n"
            "<b>收藏</b> — 卡片上的 🔖、/saved、/bib。\n"
            "<b>本聊天</b> — /settings、/lang <code>de</code>、/usage；/channel <code>@名称 subscribe cs.CV</code> "
            "管理你的频道。"
        ),
        "pdf_not_arxiv": "这个 PDF 里找不到 arXiv 编号（文件名或首页的标记）。请改发论文的 arXiv 链接。",
        "pdf_too_big": "这个 PDF 有 {size} MB；我只读取 {limit} MB 以内的文件。请改发 arXiv 链接。",
        "did_you_mean": "我不认识 /{typed}。你是想用 /{command} 吗？",
        "time_bad": "{text} 不是有效时间：小时 00–23，分钟 00–59，例如 <code>/time 08:30 Asia/Shanghai</code>。",
        "export_bad_day": "{text} 不是日期：请用 YYYY-MM-DD 格式，例如 <code>/export 2024-08-26</code>。",
        "photo_hint": ("我读论文，不读图片。请发送 arXiv 链接或编号（例如 <code>2408.14227</code>），"
                       "或把论文 PDF 作为文件发送。"),
        "unknown_command": "我不认识这个命令。发送 /help 查看用法，或直接发送 arXiv 链接。",
        "no_paper_hint": "请发送 arXiv 链接或编号，例如 <code>https://arxiv.org/abs/2408.14227</code>。",
        "too_many_papers": "这条消息包含 {count} 篇论文，我先处理前 {limit} 篇。",
        "lang_usage": (
            "用法：/lang 加语言代码或名称：<code>/lang en</code>、<code>/lang zh</code>、<code>/lang ja</code>、"
            "<code>/lang Deutsch</code>。当前语言：{current}。"
        ),
        "lang_unknown": "我不认识语言 {text}。请试试它的 ISO 代码（ja、de、pt）或名称（Japanese、Deutsch）。",
        "lang_set": "本聊天的摘要将使用中文。",
        "lang_set_other": "本聊天的摘要将使用 {name}。我自己的消息将使用英文。",
        "lang_set_translating": ("本聊天的摘要将使用 {name}。我自己的消息翻译（一次、经检查）后也将使用 {name}，"
                                 "此前为英文。"),
        "status_fetching": "⏳ 正在获取 arXiv:{id}…",
        "status_reading": "📄 正在阅读 arXiv:{id} 的 PDF…",
        "status_summarizing": "✍️ 正在总结 arXiv:{id}…",
        "status_queued": "🕒 arXiv:{id} 正在排队，等待前面的论文处理完…",
        "unknown_id": "在 arXiv 上找不到 arXiv:{id}。请检查编号，它可能有误或已撤回。",
        "arxiv_down": "arXiv 暂时没有响应，无法获取 arXiv:{id}。请稍后再试。",
        "failed": "处理 arXiv:{id} 时出错了，请稍后再试。",
        "error_apology": "抱歉，我这边处理出错了。请过一分钟再试；如果一直失败，请发送 /help。",
        "storage_broken": "抱歉，我的存储已损坏，目前无法保存任何内容。已在日志中通知运维；你的主题和设置保持不变。",
        "storage_busy": "抱歉，另一个程序正在写入我的存储，所以刚才的操作没有保存。"
                        "请过一分钟再试；你的主题和设置保持不变。",
        "storage_wait": "⏳ 另一个程序正在写入我的存储；它一结束我就处理你的请求。",
        "button_expired": "这个按钮已失效。请重新发送命令以获取新的按钮。",
        "bib_button": "📎 BibTeX",
        "bib_caption": "arXiv:{id} 的 BibTeX，来自 arXiv 元数据。",
        "bib_list_caption": "本聊天阅读列表中 {count} 篇论文的 BibTeX。",
        "saved_none": "本聊天的阅读列表是空的。点击卡片下的 🔖 即可保存。",
        "saved_header": "<b>阅读列表</b> · {count} 篇 · 第 {page}/{pages} 页",
        "saved_added": "🔖 已保存到本聊天的阅读列表（/saved）。",
        "saved_already": "已经在本聊天的阅读列表中（/saved）。",
        "saved_removed": "已从阅读列表中移除。",
        "saved_read": "已标记为已读。",
        "unread_reminder": "📚 阅读列表中还有 {count} 篇未读：",
        "saved_unread": "已标记为未读。",
        "saved_export_caption": "阅读列表（{count} 篇），可导入 Zotero、Mendeley 或 EndNote：{kind}。",
        "menu_saved": "本聊天的阅读列表",
        "bib_usage": "对卡片回复 <code>/bib</code>（或发送 <code>/bib 2408.14227</code>）即可获取 BibTeX。",
        "menu_bib": "论文的 BibTeX：对卡片回复 /bib",
        "menu_fig": "解读图：对卡片回复 /fig N",
        "menu_diff": "论文两个版本之间改了什么",
        "diff_usage": "发送 <code>/diff 2408.14227</code> 查看最新版本改了什么，或 <code>/diff 2408.14227 v1 v3</code> "
                      "比较任意两个版本。",
        "diff_one_version": "arXiv:{id} 只有一个版本，没有可比较的内容。",
        "diff_bad_versions": "arXiv:{id} 的版本是 v1 到 v{latest}：请在其中选两个不同的版本。",
        "status_comparing": "正在比较 arXiv:{old} 和 arXiv:{new}…",
        "diff_title": "🔀 <b>改动</b>：{old} → {new}",
        "diff_added": "<b>新增章节</b>：{names}",
        "diff_removed": "<b>删除章节</b>：{names}",
        "diff_rewritten": "<b>改写章节</b>：{names}",
        "diff_numbers": "<b>变化的数字</b>",
        "diff_unchanged": "两个版本内容相同：只改了元数据或排版。",
        "diff_unread": "无法读取 {ids} 的 PDF，因此无法比较正文。",
        "diff_offline": "通过比较两个版本的正文得到；没有大模型说明。",
        "digest_revised": "🔀 <b>你读过的论文出了新版本</b>——点 🔀 查看改了什么：",
        "usage": (
            "<b>今天（UTC）</b>\n大模型调用：{calls} / {budget}\n来自缓存的摘要：{hits}（占 {rate}）\n"
            "摘要器：{provider}"
        ),
        "usage_no_limit": "不限",
        "menu_usage": "今天的大模型调用、预算与缓存（管理员）",
        "restart_too_late": "arXiv:{id} 还没准备好我就重启了，而且已经过了一段时间。如果仍然需要卡片，请重新发送链接。",
        "llm_name_offline": "离线抽取器（未配置大模型密钥）",
        "menu_start": "Papergram 能做什么",
        "menu_search": "搜索 arXiv：/search <关键词、au:、ti:、cat:>",
        "menu_compare": "并排比较 2–5 篇论文",
        "menu_help": "Papergram 使用说明",
        "menu_lang": "摘要语言：en、zh、ja、de……",
        "menu_subscribe": "订阅主题：分类、关键词、作者或查询",
        "menu_topics": "本聊天的主题",
        "menu_unsubscribe": "取消订阅主题",
        "menu_time": "摘要时间与时区，例如 08:30 Asia/Shanghai",
        "menu_digest": "立即获取今日摘要",
        "menu_pause": "暂停摘要",
        "menu_resume": "恢复摘要",
        "menu_settings": "摘要模式、新版本、交叉列表、检索范围",
        "menu_channel": "设置频道推送：/channel @频道 subscribe cs.CV",
        "menu_export": "把最新摘要导出为博客用的 Markdown 文章",
        "card_summary": "一句话总结",
        "figure_label": "图 {number}",
        "table_label": "表 {number}",
        "not_from_arxiv": "非 arXiv 论文：标题和作者取自其首页",
        "pdf_not_readable": "无法读取这个 PDF（已损坏、加密或为空）。",
        "like_limit": "每次 /like 最多 {limit} 篇：其余 {rest} 篇请再发一次。",
        "export_queued": "正在生成其他导出，你的稍后就到。",
        "presses_too_fast": "稍等：按得比我读得还快。",
        "ask_button": "❓ 提问",
        "figures_button": "🖼 图",
        "more_button": "⋯ 更多",
        "abstract_button": "📄 摘要原文",
        "similar_button": "🔗 相似论文",
        "compare_usage": ("🆚 <b>/compare</b> 并排比较 2 到 5 篇论文，例如 "
                          "<code>/compare 2403.03206 2210.02747</code>。"),
        "compare_working": "🆚 正在比较 {count} 篇论文……",
        "compare_title": "🆚 {count} 篇论文并排比较",
        "compare_aspect_problem": "问题",
        "compare_aspect_method": "方法",
        "compare_aspect_data": "数据与算力",
        "compare_aspect_result": "主要结果",
        "compare_aspect_limitation": "局限",
        "compare_unknown": "arXiv 上没有 {ids}：已比较其余的论文。",
        "compare_none": "—",
        "compare_button": "🆚 比较",
        "signal_upvotes": "HF ▲ {count}",
        "signal_stars": "★ {count}",
        "signal_citations": "被引 {count} 次",
        "similar_header": "🔗 <b>与此相似的论文</b>：{title}",
        "similar_shares": "共同点：{words}",
        "similar_none": "暂时没有与这篇相似的论文，arXiv 上也没有找到。",
        "saved_button": "✅ 已收藏",
        "ask_prompt": "关于 <b>{title}</b> 提问：回复这条消息写下你的问题。",
        "ask_placeholder": "你对这篇论文的问题",
        "abstract_of": "<b>摘要原文</b> · {title}",
        "card_details": "详情：背景、方法、结果、局限",
        "full_card_button": "📄 完整卡片",
        "guest_nothing": "没有找到与“{text}”相符的 arXiv 论文：请在我的名字后写 arXiv 编号或链接。",
        "full_card_link": "打开含图表的完整卡片",
        "card_contribution": "一句话总结",
        "card_limitations": "局限",
        "note_extract_language": "未配置大模型：以下内容是论文原句的英文摘录。",
        "note_numbers_removed": "有 {count} 句因其中的数字或链接在论文中找不到而被删除。",
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
        "note_extract": "摘自论文原句，非大模型摘要。",
        "note_llm_failed": "{reason}，因此本卡片摘自论文原句。",
        "note_pdf": "无法使用 PDF（{reason}），本卡片根据摘要生成。",
        "note_provisional": "PDF 下载较慢：本卡片暂时摘自摘要，PDF 到达后会在此处补全。",
        "note_figures": "图表渲染超时，本卡片不含图。",
        "licence_arxiv": "arXiv 许可（不可转载）",
        "licence_unknown": "未知",
        "figures_credit": "© {authors}，arXiv:{id}",
        "figures_elsewhere": "🖼 arXiv:{id} 的图在 arXiv 上：<a href=\"{url}\">{url}</a>——论文的许可（{licence}）"
                             "不允许本聊天转载。",
        "answer_offline": "📖 <b>论文中与你的问题最相关的段落</b>——原文引用，未经 LLM（{why}）：",
        "answer_offline_no_llm": "未配置 LLM 密钥",
        "answer_offline_budget": "今日 LLM 额度已用完",
        "answer_offline_failed": "LLM 调用失败：{reason}",
        "answer_no_passage": "论文中没有与你的问题匹配的段落，也没有 LLM 可以回答（{why}）。"
                             "请用论文会使用的词（英文）提问，或用 /fig N 询问某张图。",
        "answer_stopped": "⏹ 已停止：以上为停止前写出的部分。",
        "answer_numbers_removed": "✂️ 已删除 {count} 句：其中的数字或链接不在论文中。",
        "answer_from_abstract": "⚠️ 无法使用 PDF（{reason}）：本回答仅依据摘要。",
        "answer_cited_from": "§ {section}",
        "question_too_long": "你的问题有 {length} 个字符，请控制在 {limit} 以内。",
        "question_not_card": "请回复我发送的论文卡片（或其中的图）来就该论文提问。",
        "fig_usage": "对论文卡片回复 <code>/fig N</code> 即可解读第 N 张图。",
        "fig_unknown": "这篇论文的卡片没有图 {number}。现有的图：{numbers}。",
        "fig_none": "我在这篇论文中没有找到图。",
        "fig_button": "🔍 图 {number}",
        "figure_caption": "图 {number} — {caption}",
        "table_caption": "表 {number} — {caption}",
        "page_caption": "arXiv:{id} 第一页",
        "digest_header": "<b>{topic}</b> — {day} · {count} 篇新论文",
        "digest_header_capped": "<b>{topic}</b> — {day} · 显示 {total} 篇中的 {shown} 篇",
        "digest_continued": "<b>{topic}</b>（续）",
        "digest_button": "📄 {number}",
        "digest_more": "……今天还有 {count} 篇。",
        "digest_more_button": "再看 {count} 篇",
        "digest_more_gone": "那天没有更多论文了：已经发送过，或已超过一周。",
        "digest_rest": "更多论文",
        "tables_button": "📊 表格",
        "export_none": "那一天没有可导出的摘要。用法：/export 或 /export 2024-08-26。",
        "export_caption": "{day} 的摘要（Markdown 文章及图片），可直接发布到博客。",
        "no_tables": "在 arXiv:{id} 中没有找到编号的表格。",
        "digest_quiet": "今天你关注的主题没有新论文（arXiv 没有发布）。",
        "digest_nothing": "自上次摘要以来，你关注的主题没有新论文。",
        "digest_queued": "包含 {count} 篇论文的摘要正在发送。",
        "digest_preparing": "⏳ 正在准备摘要…",
        "subscribe_usage": (
            "发送 /subscribe 加一个主题，例如 <code>/subscribe cs.CV</code>。主题可以是：\n"
            "• 分类：<code>cs.CV</code>\n"
            "• 关键词：<code>diffusion models</code>（标题或摘要包含所有词），或用引号表示短语\n"
            "• 作者：<code>au:\"Yann LeCun\"</code>\n"
            "• arXiv 查询语法：<code>ti:diffusion AND cat:cs.CV</code>\n"
            "• 一句话，按语义匹配：<code>about: making diffusion sampling faster</code>\n"
            "词形不影响匹配：<code>diffusion model</code> 也能找到 “Diffusion Models”，"
            "<code>text-to-image</code> 能找到 “text to image”。"
        ),
        "subscribed": "已订阅 <b>{topic}</b>（{kind}）。每个发布日 {time}（{zone}）推送摘要。",
        "subscribe_duplicate": "本聊天已订阅 <b>{topic}</b>。",
        "subscribe_limit": "每个聊天最多订阅 {limit} 个主题。请先用 /topics 删除一个。",
        "topic_error_empty": "主题为空。",
        "topic_error_too_long": "主题最多 {limit} 个字符。",
        "topic_error_unknown_category": "arXiv 没有这个分类。例如：cs.CV、cs.CL、stat.ML、hep-th。",
        "topic_error_unknown_field": "未知字段。请使用 ti:、abs:、au:、cat: 或 all:。",
        "topic_error_syntax": "无法解析该查询：请检查括号和 AND / OR / ANDNOT。",
        "kind_category": "分类",
        "kind_keyword": "关键词",
        "kind_author": "作者",
        "kind_query": "查询",
        "kind_about": "一句话，按语义匹配",
        "kind_about_words": "一句话，按词语匹配——未设置 Gemini 密钥，无法比较语义",
        "kind_trending": "本周论文，按 Hugging Face 点赞、代码星标和引用排序",
        "trending_off": ("⚠️ 本机器人未读取任何热度来源（运营者关闭了 Hugging Face、GitHub 和 Semantic Scholar），"
                         "此主题将一直为空，直到开启其一。"),
        "why_matches": "匹配：{terms}",
        "why_alias": "匹配 {names}（{topic} 的别名）",
        "why_checked": "摘要内容与 {topic} 相关，未出现原词（LLM 判断）",
        "search_usage": "🔎 <b>/search</b> 在 arXiv 上搜索论文，最相关的在前（你点过 👍 后也按你的口味）：\n"
                        "<code>/search diffusion transformers</code>\n<code>/search au:LeCun ti:energy</code>\n"
                        "<code>/search cat:cs.CL retrieval augmented</code>",
        "search_header": "🔎 <b>{query}</b> · {count} 篇 · 第 {page}/{pages} 页",
        "search_none": "🔎 arXiv 上没有与 <b>{query}</b> 匹配的论文。少用或换用一些词也许能找到更多。",
        "search_down": "🔎 arXiv 暂时没有响应，请一分钟后再搜索。",
        "search_gone": "这次搜索已过期，无法翻页；请重新搜索。",
        "names_offered": "<b>{topic}</b> 也匹配写着这些名称的论文：{names}。点 ✖ 去掉一个。",
        "name_drop_button": "✖ {name}",
        "name_dropped": "“{name}”不再匹配 {topic}。",
        "topics_also": "    也匹配：{names}",
        "topics_never": "    不匹配：{names}",
        "stop_name_offer": "这篇论文仅因“{name}”归入 <b>{topic}</b>。",
        "stop_name_button": "🚫 不再按“{name}”匹配此主题",
        "stop_name_done": "今后“{name}”不再匹配 <b>{topic}</b>。",
        "stop_name_gone": "本聊天已不再关注该主题。",
        "stop_checked_offer": "这篇论文由 LLM 根据摘要加入 <b>{topic}</b>：文中没有该主题的原词。",
        "stop_checked_button": "🚫 只要含原词的论文",
        "stop_checked_done": "今后 <b>{topic}</b> 只收含原词的论文。",
        "topics_words_only": "    只收含原词的论文",
        "why_liked": "与你点过 👍 的 {count} 篇相似",
        "rated_like": "👍 已记录：类似的论文会在这里排得更靠前（目前 {likes} 👍，{dislikes} 👎）。",
        "rated_dislike": "👎 已记录：类似的论文会在这里排得更靠后（目前 {likes} 👍，{dislikes} 👎）。",
        "rate_refused": "这篇论文没有发到本聊天，不能在这里评分。",
        "like_usage": (
            "用法：/like 加 arXiv 链接或编号，例如 <code>/like 2006.11239 1706.03762</code>；也可以发给我一个 "
            "<code>.bib</code> 文件。喜欢的论文会教会本聊天的摘要优先排什么。"
        ),
        "like_done": "已标记喜欢 {count} 篇（{total} 个中识别出 {known} 个）。之后的摘要会把相似论文排得更靠前。",
        "like_none": "没有识别出任何 arXiv 论文，未做任何更改。",
        "bib_too_big": "文件太大（{size} KB，最多 {limit} KB），未做任何更改。",
        "bib_not_text": "这不是文本格式的 BibTeX 文件，未做任何更改。",
        "bib_no_entries": "文件里没有找到 BibTeX 条目，未做任何更改。",
        "bib_download_failed": "无法从 Telegram 下载这个文件，请重新发送。",
        "bib_done": (
            "{entries} 个 BibTeX 条目中识别出 {known} 个：{ids} 篇 arXiv 论文，{titles} 篇按标题识别。"
            "之后的摘要会把相似论文排得更靠前。"
        ),
        "menu_like": "教摘要你的口味：/like <arXiv 编号> 或发送 .bib 文件",
        "topics_none": "本聊天还没有订阅主题。试试 /subscribe cs.CV",
        "topics_list": "本聊天的主题（{time} 推送，{zone}{paused}）：",
        "topics_paused": "，已暂停",
        "topic_remove_button": "✖ {topic}",
        "unsubscribe_usage": ("发送 /unsubscribe 加主题的序号或名称，例如 <code>/unsubscribe 2</code>，"
                              "或点击 /topics 下的 ✖。"),
        "unsubscribed": "已取消订阅 <b>{topic}</b>。",
        "unsubscribe_unknown": "本聊天没有订阅这个主题。请看 /topics。",
        "time_usage": "用法：/time 08:30 Asia/Shanghai — 时间（HH:MM）和 IANA 时区。当前：{time} {zone}。",
        "time_bad_zone": "未知时区 {zone}。请使用 IANA 名称，例如 Europe/Berlin 或 Asia/Shanghai。",
        "time_set": "每日摘要时间：{time}（{zone}）。",
        "settings": (
            "<b>本聊天的设置</b>\n"
            "mode：{mode}（overview：每个主题一个列表；full：逐篇卡片）\n"
            "replacements：{replacements}（论文的新版本）\n"
            "crosslists：{crosslists}（交叉列入你的分类的论文）\n"
            "quiet：{quiet}（arXiv 不发布的日子发一行说明）\n"
            "archives：{archives}（关键词、作者和查询主题搜索的范围）\n"
            "group_cards：{group_cards}（群组：📄 私聊打开卡片，或 here 在群里发）\n"
            "figures：{figures}（all：全部；licensed：仅发许可允许任何人转载的图并署名——频道默认；"
            "noncommercial：也包括非商业许可）\n"
            "cards：{cards}（rich：一条富文本消息，含表格和图片轮播；classic：文字加相册）\n"
            "popularity：{popularity}（off、low、high：Hugging Face 点赞、代码星标和引用对排序的影响）\n"
            "schedule：{schedule}（daily：每个发布日；weekly fri：每周一次，本周最佳，并提醒阅读列表中未读的论文）\n"
            "语言：{language} · 摘要时间 {time}（{zone}）\n\n"
            "修改示例：<code>/settings mode full</code>、<code>/settings replacements on</code>、"
            "<code>/settings archives cs,stat</code>。"
        ),
        "settings_bad": "无法使用该设置。发送 /settings 查看可选项。",
        "settings_set": "已完成：{name} 现在是 {value}。",
        "group_welcome": (
            "你好！我把 arXiv 论文变成带图的摘要。\n"
            "• 管理员：<code>/subscribe cs.CV</code>（或关键词、<code>au:\"姓名\"</code>、查询）"
            "即可每天在这里收到摘要；/time 设置时间。\n• 所有人：发送 arXiv 链接获取卡片；/topics、/digest。"
        ),
        "group_privacy": "隐私模式下我看不到所有消息：请提及我或回复我的消息来发送链接。",
        "channel_usage": (
            "发送 /channel、频道的 @名称 和一个命令，例如 <code>/channel @mychannel subscribe cs.CV</code>。"
            "命令：subscribe、unsubscribe、topics、time、pause、resume、settings、lang、digest、like。"
        ),
        "channel_not_found": "找不到频道 {name}。请检查名称，并把我添加为频道管理员。",
        "channel_not_admin": "你不是 {name} 的管理员，不能修改它的推送。",
        "channel_bot_cannot_post": "我无法在 {name} 发帖：请把我设为管理员并允许发布消息。",
        "channel_done": "{name}：{reply}",
        "via_bot": "🤖 卡片和图：@{bot}",
        "admins_only": "只有本群管理员可以修改主题和设置。所有人都可以使用 /topics、/digest 和发送链接。",
        "paused": "摘要已暂停。发送 /resume 恢复；主题会保留。",
        "resumed": "摘要已恢复。",
    },
}

MENU_COMMANDS = ("start", "help", "search", "subscribe", "topics", "unsubscribe", "time", "digest", "pause", "resume",
                 "settings", "like", "saved", "compare", "bib", "fig", "diff", "channel", "export", "usage", "lang")
"""Commands shown in Telegram's menu, in order; descriptions are the `menu_<name>` texts."""
