"""arXiv: what an ID looks like, the API client (metadata and PDFs, only arXiv hosts or the configured mirror),
and the daily announcements (RSS). Imports the kernel and `pdf.pool` (to tell a PDF from an error page)."""
