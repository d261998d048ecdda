"""Chat settings: `commands` reads or changes a chat's topics and settings in the chat itself, posted in a
channel, or for a channel from a private chat (`/channel @name …`); `actions` says what each command does, for
any of those target chats."""
