from app.mid import service
