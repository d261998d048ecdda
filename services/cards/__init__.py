"""A paper's card: the use case (`PaperService`: metadata, PDF, summary, figures, numbers checked), its
rendering, questions about the paper, passages, links and citations. Imports llm, store, arxiv, pdf, kernel."""
