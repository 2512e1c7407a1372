"""The HTTP edge beside Streamlit: the live board's tickets, stream and
actions, the calendar feed and /healthz. One module per job; every URL is
listed in web/routes.py."""
