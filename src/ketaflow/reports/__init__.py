"""Reports and charts shared by web pages and PDFs (matplotlib SVG, WeasyPrint PDF)."""
