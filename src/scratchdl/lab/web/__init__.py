"""The browser face of scratchdl: ``scratchdl serve`` (draw a digit, see live predictions).

``make_server(predict_fn, host, port)`` binds the server for any ``predict_fn``;
``scratchdl.lab.web.serve.serve(model_path, ...)`` loads a saved model and serves until Ctrl-C
(the function is not re-exported here, so ``scratchdl.lab.web.serve`` stays the module).
"""

from scratchdl.lab.web.serve import command_serve, make_server, model_predict_fn

__all__ = ["command_serve", "make_server", "model_predict_fn"]
