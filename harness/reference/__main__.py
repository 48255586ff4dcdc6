from harness.reference.process import main

raise SystemExit(main())
