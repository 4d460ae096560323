from intensity.cli import main

main()
