print("gru4rec")
