#!/usr/bin/env python
from socialmission.__main__ import main

if __name__ == "__main__":
    main()
