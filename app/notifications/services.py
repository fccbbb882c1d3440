def unread_count(user) -> int:
    return 0
