"""A small fake Discord: REST, interaction webhooks and gateway payloads, checked like Discord."""
