from enum import StrEnum


class PhoneNumberTelephonyProvider(StrEnum):
    SIP_TRUNK = "sip-trunk"

    def __str__(self) -> str:
        return str(self.value)
