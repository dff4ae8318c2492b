"""Web pages (Jinja2 templates) and static assets, served by Kuntur itself: no CDN."""
