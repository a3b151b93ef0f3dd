import app.high.api
