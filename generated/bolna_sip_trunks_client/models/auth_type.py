from enum import StrEnum


class AuthType(StrEnum):
    IP_BASED = "ip-based"
    USERPASS = "userpass"

    def __str__(self) -> str:
        return str(self.value)
