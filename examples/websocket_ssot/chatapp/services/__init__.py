"""Business services: threads, messages, users, notifications."""
