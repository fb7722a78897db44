from drafter.cli.commands import main

main()
