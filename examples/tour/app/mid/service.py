from app.high import api
