"""Hot-reloading of a running Gradio Space: the JSON shapes its reload server speaks (``types``), a reader of
Server-Sent Events (``sse_client``) and the client that follows one reload on every replica (``client``)."""
