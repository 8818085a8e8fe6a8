// test-database: independent (picks its database itself (the local server, in either pass))
import { describeCrashSafety } from './crash-safety';

describeCrashSafety('postgresql', ['service']);
