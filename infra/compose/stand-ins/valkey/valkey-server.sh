#!/bin/sh
# Private networks only reach this container; the official image turns protected mode off the same way.
exec /usr/bin/valkey-server --bind '* -::*' --protected-mode no "$@"
