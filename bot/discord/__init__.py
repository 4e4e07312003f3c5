"""The discord.py front end: settings, the client, Discord rendering and persistent components."""
