// The demo data each module contributes, in order, inside the demo's transaction.
import type { DemoSeeder } from './bootstrap';
import { seedPosDemo } from './pos-data';

export const demoSeeders: DemoSeeder[] = [seedPosDemo];
