"""Which papers a chat wants first: topic relevance (BM25), the chat's taste model from its ratings, feedback,
embeddings for `about:` topics, and BibTeX libraries that seed the likes. Imports llm, store, arxiv, kernel."""
