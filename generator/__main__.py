from cvat_gen.cli import main

raise SystemExit(main())
