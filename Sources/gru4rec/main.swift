GRU4RecCommand.main()
