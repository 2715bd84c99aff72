"""The ``livekit.PhoneNumberService`` messages as real protobuf classes.

livekit-protocol 1.1.29 (the version livekit-api 1.2.2 pins) ships no phone-number messages, so
this module builds them at import from a port of livekit/protocol ``protobufs/livekit_phone_number.proto``
(same package ``livekit``, message and field names, numbers, types and proto3 ``optional``
presence). With real classes the sandbox speaks both encodings a generated Twirp server speaks:
binary protobuf and protojson, with the same field numbers a Go or Node client sends.

They live in a private descriptor pool, so they can never clash with a later livekit-protocol
that defines the same file in the default pool. When livekit-protocol does ship the module
(``livekit.protocol.phone_number``), those classes are used instead.
``TokenPagination`` (from ``livekit_models.proto``) is declared again here for the private pool;
on the wire it is the same message.
"""

from __future__ import annotations

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

_F = descriptor_pb2.FieldDescriptorProto
_STRING, _INT32, _DOUBLE = _F.TYPE_STRING, _F.TYPE_INT32, _F.TYPE_DOUBLE
_MESSAGE, _ENUM = _F.TYPE_MESSAGE, _F.TYPE_ENUM
_ONE, _MANY, _OPTIONAL = "one", "many", "optional"  # singular, repeated, proto3 optional

ENUMS = {
    "PhoneNumberStatus": ["PHONE_NUMBER_STATUS_UNSPECIFIED", "PHONE_NUMBER_STATUS_ACTIVE",
                          "PHONE_NUMBER_STATUS_PENDING", "PHONE_NUMBER_STATUS_RELEASED",
                          "PHONE_NUMBER_STATUS_OFFLINE"],
    "PhoneNumberType": ["PHONE_NUMBER_TYPE_UNKNOWN", "PHONE_NUMBER_TYPE_MOBILE",
                        "PHONE_NUMBER_TYPE_LOCAL", "PHONE_NUMBER_TYPE_TOLL_FREE"],
}
# message → [(field, number, type, type name for messages/enums, cardinality)]
MESSAGES: dict[str, list[tuple[str, int, int, str, str]]] = {
    "TokenPagination": [("token", 1, _STRING, "", _ONE)],
    "PhoneNumber": [
        ("id", 1, _STRING, "", _ONE), ("e164_format", 2, _STRING, "", _ONE),
        ("country_code", 3, _STRING, "", _ONE), ("area_code", 4, _STRING, "", _ONE),
        ("number_type", 5, _ENUM, ".livekit.PhoneNumberType", _ONE),
        ("locality", 6, _STRING, "", _ONE), ("region", 7, _STRING, "", _ONE),
        ("spam_score", 8, _DOUBLE, "", _ONE),
        ("created_at", 9, _MESSAGE, ".google.protobuf.Timestamp", _ONE),
        ("updated_at", 10, _MESSAGE, ".google.protobuf.Timestamp", _ONE),
        ("capabilities", 11, _STRING, "", _MANY),
        ("status", 12, _ENUM, ".livekit.PhoneNumberStatus", _ONE),
        ("assigned_at", 13, _MESSAGE, ".google.protobuf.Timestamp", _ONE),
        ("released_at", 14, _MESSAGE, ".google.protobuf.Timestamp", _ONE),
        ("sip_dispatch_rule_id", 15, _STRING, "", _ONE),  # deprecated in favour of field 16
        ("sip_dispatch_rule_ids", 16, _STRING, "", _MANY),
    ],
    "SearchPhoneNumbersRequest": [
        ("country_code", 1, _STRING, "", _ONE), ("area_code", 2, _STRING, "", _OPTIONAL),
        ("limit", 3, _INT32, "", _OPTIONAL), ("page_token", 4, _MESSAGE, ".livekit.TokenPagination", _OPTIONAL),
    ],
    "SearchPhoneNumbersResponse": [
        ("items", 1, _MESSAGE, ".livekit.PhoneNumber", _MANY),
        ("next_page_token", 2, _MESSAGE, ".livekit.TokenPagination", _ONE),
    ],
    "PurchasePhoneNumberRequest": [
        ("phone_numbers", 1, _STRING, "", _MANY), ("sip_dispatch_rule_id", 2, _STRING, "", _OPTIONAL),
    ],
    "PurchasePhoneNumberResponse": [("phone_numbers", 1, _MESSAGE, ".livekit.PhoneNumber", _MANY)],
    "ListPhoneNumbersRequest": [
        ("limit", 1, _INT32, "", _OPTIONAL), ("statuses", 2, _ENUM, ".livekit.PhoneNumberStatus", _MANY),
        ("page_token", 3, _MESSAGE, ".livekit.TokenPagination", _OPTIONAL),
        ("sip_dispatch_rule_id", 4, _STRING, "", _OPTIONAL),
    ],
    "ListPhoneNumbersResponse": [
        ("items", 1, _MESSAGE, ".livekit.PhoneNumber", _MANY),
        ("next_page_token", 2, _MESSAGE, ".livekit.TokenPagination", _ONE),
        ("total_count", 3, _INT32, "", _ONE), ("offline_count", 4, _INT32, "", _ONE),
    ],
    "GetPhoneNumberRequest": [("id", 1, _STRING, "", _OPTIONAL), ("phone_number", 2, _STRING, "", _OPTIONAL)],
    "GetPhoneNumberResponse": [("phone_number", 1, _MESSAGE, ".livekit.PhoneNumber", _ONE)],
    "UpdatePhoneNumberRequest": [
        ("id", 1, _STRING, "", _OPTIONAL), ("phone_number", 2, _STRING, "", _OPTIONAL),
        ("sip_dispatch_rule_id", 3, _STRING, "", _OPTIONAL),
    ],
    "UpdatePhoneNumberResponse": [("phone_number", 1, _MESSAGE, ".livekit.PhoneNumber", _ONE)],
    "ReleasePhoneNumbersRequest": [("ids", 1, _STRING, "", _MANY), ("phone_numbers", 2, _STRING, "", _MANY)],
    "ReleasePhoneNumbersResponse": [],
}
# rpc → (request, response), in the order of the service definition.
METHODS = {
    "SearchPhoneNumbers": ("SearchPhoneNumbersRequest", "SearchPhoneNumbersResponse"),
    "PurchasePhoneNumber": ("PurchasePhoneNumberRequest", "PurchasePhoneNumberResponse"),
    "ListPhoneNumbers": ("ListPhoneNumbersRequest", "ListPhoneNumbersResponse"),
    "GetPhoneNumber": ("GetPhoneNumberRequest", "GetPhoneNumberResponse"),
    "UpdatePhoneNumber": ("UpdatePhoneNumberRequest", "UpdatePhoneNumberResponse"),
    "ReleasePhoneNumbers": ("ReleasePhoneNumbersRequest", "ReleasePhoneNumbersResponse"),
}


def _file() -> descriptor_pb2.FileDescriptorProto:
    proto = descriptor_pb2.FileDescriptorProto(
        name="livekit_phone_number.proto", package="livekit", syntax="proto3",
        dependency=["google/protobuf/timestamp.proto"],
    )
    for name, values in ENUMS.items():
        enum = proto.enum_type.add(name=name)
        for number, value in enumerate(values):
            enum.value.add(name=value, number=number)
    for name, fields in MESSAGES.items():
        message = proto.message_type.add(name=name)
        for field_name, number, kind, type_name, cardinality in fields:
            field = message.field.add(name=field_name, number=number, type=kind, json_name=_json_name(field_name))
            field.label = _F.LABEL_REPEATED if cardinality == _MANY else _F.LABEL_OPTIONAL
            if type_name:
                field.type_name = type_name
            if cardinality == _OPTIONAL:
                # proto3 `optional`: presence through a synthetic one-field oneof, as protoc emits it.
                field.proto3_optional = True
                field.oneof_index = len(message.oneof_decl)
                message.oneof_decl.add(name=f"_{field_name}")
    return proto


def _json_name(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _classes() -> dict[str, type]:
    try:  # a livekit-protocol that ships the service: use its classes
        from livekit.protocol import phone_number as shipped  # type: ignore[attr-defined]

        return {name: getattr(shipped, name) for name in MESSAGES}
    except (ImportError, AttributeError):
        pass
    pool = descriptor_pool.DescriptorPool()
    pool.Add(descriptor_pb2.FileDescriptorProto.FromString(timestamp_pb2.DESCRIPTOR.serialized_pb))
    pool.Add(_file())
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"livekit.{name}"))
            for name in MESSAGES}


CLASSES = _classes()
PhoneNumber = CLASSES["PhoneNumber"]
REQUESTS = {method: CLASSES[request] for method, (request, _) in METHODS.items()}
RESPONSES = {method: CLASSES[response] for method, (_, response) in METHODS.items()}
