"""Contains all the data models used in inputs/outputs"""

from .auth_type import AuthType
from .error import Error
from .gateway import Gateway
from .gateway_input import GatewayInput
from .ip_identifier import IpIdentifier
from .ip_identifier_input import IpIdentifierInput
from .media_encryption import MediaEncryption
from .message import Message
from .phone_number import PhoneNumber
from .phone_number_create import PhoneNumberCreate
from .phone_number_telephony_provider import PhoneNumberTelephonyProvider
from .sip_trunk import SipTrunk
from .sip_trunk_create import SipTrunkCreate
from .sip_trunk_update import SipTrunkUpdate
from .transport import Transport
from .validation_error import ValidationError
from .validation_error_item import ValidationErrorItem

__all__ = (
    "AuthType",
    "Error",
    "Gateway",
    "GatewayInput",
    "IpIdentifier",
    "IpIdentifierInput",
    "MediaEncryption",
    "Message",
    "PhoneNumber",
    "PhoneNumberCreate",
    "PhoneNumberTelephonyProvider",
    "SipTrunk",
    "SipTrunkCreate",
    "SipTrunkUpdate",
    "Transport",
    "ValidationError",
    "ValidationErrorItem",
)
