import {
  createBaseThemeOptions,
  createUnifiedTheme,
  genPageTheme,
  palettes,
  shapes,
} from '@backstage/theme';

/**
 * The organization's colours. Text on the page headers and on contained buttons is white; every colour below keeps
 * at least 4.5:1 contrast with white (WCAG AA for normal text), checked by the axe-core scans in e2e/.
 */
const brand = {
  navy: '#14213d',
  teal: '#0b6e69',
  tealLight: '#5fd3c6',
  indigo: '#3a3a9e',
  plum: '#6b2d6b',
  rust: '#a3431f',
  slate: '#3d4f63',
};

// Page-header colours per page kind (Backstage picks them by `themeId`): one family per kind of page.
const pageTheme = {
  home: genPageTheme({ colors: [brand.navy, brand.teal], shape: shapes.wave }),
  documentation: genPageTheme({
    colors: [brand.slate, brand.navy],
    shape: shapes.wave2,
  }),
  tool: genPageTheme({
    colors: [brand.indigo, brand.navy],
    shape: shapes.round,
  }),
  service: genPageTheme({
    colors: [brand.teal, brand.navy],
    shape: shapes.wave,
  }),
  website: genPageTheme({
    colors: [brand.plum, brand.navy],
    shape: shapes.wave,
  }),
  library: genPageTheme({
    colors: [brand.rust, brand.navy],
    shape: shapes.wave,
  }),
  other: genPageTheme({
    colors: [brand.slate, brand.navy],
    shape: shapes.wave,
  }),
  app: genPageTheme({ colors: [brand.teal, brand.indigo], shape: shapes.wave }),
  apis: genPageTheme({
    colors: [brand.indigo, brand.teal],
    shape: shapes.wave2,
  }),
};

const typography = {
  htmlFontSize: 16,
  fontFamily: '"Inter", "Helvetica Neue", Arial, sans-serif',
  h1: { fontSize: 48, fontWeight: 700, marginBottom: 10 },
  h2: { fontSize: 36, fontWeight: 700, marginBottom: 8 },
  h3: { fontSize: 28, fontWeight: 600, marginBottom: 6 },
  h4: { fontSize: 22, fontWeight: 600, marginBottom: 6 },
  h5: { fontSize: 18, fontWeight: 600, marginBottom: 4 },
  h6: { fontSize: 16, fontWeight: 600, marginBottom: 2 },
};

export const portalLightTheme = createUnifiedTheme({
  ...createBaseThemeOptions({
    palette: {
      ...palettes.light,
      primary: { main: brand.teal },
      secondary: { main: brand.indigo },
      navigation: {
        ...palettes.light.navigation,
        background: brand.navy,
        indicator: brand.tealLight,
        selectedColor: '#ffffff',
        color: '#d5dbe3',
      },
    },
    typography,
  }),
  defaultPageTheme: 'home',
  pageTheme,
});

export const portalDarkTheme = createUnifiedTheme({
  ...createBaseThemeOptions({
    palette: {
      ...palettes.dark,
      // On dark surfaces the lighter teal keeps text and outlines readable.
      primary: { main: brand.tealLight },
      secondary: { main: '#a9a9f5' },
      navigation: {
        ...palettes.dark.navigation,
        background: '#0b1222',
        indicator: brand.tealLight,
        selectedColor: '#ffffff',
        color: '#c4ccd6',
      },
    },
    typography,
  }),
  defaultPageTheme: 'home',
  pageTheme,
});
