"""The SQLite table of chat notifications (CC-NTF-7): per account, the new-chat tone, how
often it repeats (NULL: once) and the new-message tone. Read and written by
:mod:`harness.reference.chat_tones` on the store's connection and transactions."""

from __future__ import annotations

#: The one schema step of chat tones (appended to the store's migrations).
MIGRATION: tuple[str, ...] = (
    "CREATE TABLE chat_tones (account_id TEXT PRIMARY KEY REFERENCES accounts(id)"
    " ON DELETE CASCADE, new_chat TEXT NOT NULL, repeat_s INTEGER, new_message TEXT NOT NULL)",
)
