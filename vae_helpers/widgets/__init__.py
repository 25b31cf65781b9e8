"""The book's widgets: each one anywidget whose JavaScript computes and draws in the browser,
so the same file runs in JupyterLab and in the book's static pages."""
