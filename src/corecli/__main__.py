from corecli.cli import main

main()
