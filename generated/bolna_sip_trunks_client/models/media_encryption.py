from enum import StrEnum


class MediaEncryption(StrEnum):
    NO = "no"
    SDES = "sdes"

    def __str__(self) -> str:
        return str(self.value)
