"""chatapp: the chat backend — HTTP and WebSocket routes, AI agents and the services behind them."""

__version__ = "2.14.0"
