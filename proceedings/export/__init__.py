"""6. Export : DOCX, PDF et HTML par pandoc et typst, finitions."""
