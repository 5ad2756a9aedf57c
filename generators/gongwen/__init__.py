"""The GB/T 9704-2012 公文 engine: drafts in, laid-out .docx out, and a checker for any .docx."""
