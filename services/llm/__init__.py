"""Language models behind one port (`Summarizer`): Gemini, any OpenAI-compatible server, the offline extractive
summarizer, and the fallback from one provider to another. Writes prose only; metadata never comes from here.
Imports the kernel and `pdf.sections`."""
