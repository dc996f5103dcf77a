"""Protobuf messages as plain dicts (for JSON, pandas, datasets.Dataset.from_list)."""


def message_dict(message):
    """Every field of `message` by its proto name: defaults included, so every dict of one message
    type has the same keys; a message field or proto3 `optional` field that is unset is None."""
    out = {}
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if field.message_type and field.message_type.GetOptions().map_entry:
            entry = field.message_type.fields_by_name["value"]
            value = {k: message_dict(v) if entry.message_type else v for k, v in value.items()}
        elif field.label == field.LABEL_REPEATED:
            value = [message_dict(v) if field.message_type else v for v in value]
        elif field.message_type or field.containing_oneof is not None:
            value = (message_dict(value) if field.message_type else value) if message.HasField(field.name) else None
        out[field.name] = value
    return out
