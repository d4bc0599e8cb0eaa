"""Messages from every channel (e-mail, calls, posts, chat) and their ingestion."""
