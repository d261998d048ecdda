"""Reading PDFs: the text, the sections, where the figures and tables are, and their crops.

`pool` is the only module the bot process imports: it runs everything else here in worker processes, because
PyMuPDF is not thread-safe and rendering is CPU-bound. Only this package may import PyMuPDF (the import contract
checks it). Imports the kernel only.
"""
