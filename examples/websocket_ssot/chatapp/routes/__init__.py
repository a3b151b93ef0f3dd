"""HTTP and WebSocket endpoints. Thin: parse the request, call a service or an agent, reply."""
