"""The web UI's building blocks (Chainlit front end in ``app.py``): auth, chat history, rendering, mounting.

Nothing here holds conversation state: every turn goes through ``agent.session_service.AgentService`` and the
LangGraph graph; the Chainlit thread id is the Compass session id.
"""
