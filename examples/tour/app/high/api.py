x = 1
import app.orphan.deep.leaf
