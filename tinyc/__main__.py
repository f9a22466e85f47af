from tinyc.cli import main

main()
