from enum import StrEnum


class Transport(StrEnum):
    TRANSPORT_TCP = "transport-tcp"
    TRANSPORT_TLS = "transport-tls"
    TRANSPORT_UDP = "transport-udp"

    def __str__(self) -> str:
        return str(self.value)
