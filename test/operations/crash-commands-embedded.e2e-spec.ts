// test-database: independent (picks its database itself)
import { describeCrashSafety } from './crash-safety';

describeCrashSafety('embedded', ['commands']);
