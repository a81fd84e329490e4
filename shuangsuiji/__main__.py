"""Allow ``python -m shuangsuiji``."""

from shuangsuiji.cli import main

if __name__ == "__main__":
    main()
