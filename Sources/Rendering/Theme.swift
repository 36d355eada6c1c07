// Theme: the colours of a frame — background, text, grid and one categorical colour per
// population. Population colours follow Okabe & Ito (2008), the colour-blind-safe set,
// with brighter variants on the dark background so they project well. Overlay, microglia
// and dead-neuron colours are chosen per theme for contrast with that theme's sheet.

/// Light (white background) or dark (near-black background) frames.
public enum Theme: String, Sendable, Equatable, CaseIterable {
    case light
    case dark

    var palette: Palette {
        switch self {
        case .light:
            Palette(background: Colour(hex: 0xFFFFFF), foreground: Colour(hex: 0x1B1D21),
                    muted: Colour(hex: 0x5B616B), grid: Colour(hex: 0xE4E7EB),
                    frame: Colour(hex: 0x9AA0A8), sheet: Colour(hex: 0xF4F5F7),
                    populations: [0xD55E00, 0x0072B2, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x7F7F7F]
                        .map { Colour(hex: $0) },
                    // Magenta to salmon, fading in from white: warm, so it never reads as
                    // viridis, and light enough that the (mostly dark) markers stay visible.
                    overlayRamp: OverlayRamp(start: 0.30, end: 0.78, maxAlpha: 0.85),
                    surveilling: Colour(hex: 0x0072B2), activated: Colour(hex: 0xD55E00),
                    dead: Colour(hex: 0x60656E), halo: Colour(hex: 0xFFFFFF))
        case .dark:
            Palette(background: Colour(hex: 0x101317), foreground: Colour(hex: 0xECEEF1),
                    muted: Colour(hex: 0xA3AAB4), grid: Colour(hex: 0x2A3038),
                    frame: Colour(hex: 0x59616C), sheet: Colour(hex: 0x181C22),
                    populations: [0xFF7B39, 0x56B4E9, 0x2FCB97, 0xE58FCB, 0xF5C242, 0x9AA8FF, 0xBDBDBD]
                        .map { Colour(hex: $0) },
                    // More field = brighter on the dark sheet: magma forwards from purple
                    // (faint) to pale yellow (strong).
                    overlayRamp: OverlayRamp(start: 0.22, end: 0.98, maxAlpha: 0.8),
                    surveilling: Colour(hex: 0x5CE1FF), activated: Colour(hex: 0xFF5A36),
                    dead: Colour(hex: 0xA3AAB4), halo: Colour(hex: 0x101317))
        }
    }
}

/// Concrete colours of a theme.
struct Palette {
    var background: Colour
    var foreground: Colour
    var muted: Colour
    var grid: Colour
    var frame: Colour
    /// Fill behind the neuron sheet.
    var sheet: Colour
    var populations: [Colour]
    /// How a field overlay is coloured on this theme's sheet.
    var overlayRamp: OverlayRamp
    /// Microglia glyphs: surveilling (cool) and activated (warm).
    var surveilling: Colour
    var activated: Colour
    /// Crosses of dead neurons.
    var dead: Colour
    /// Outline behind glyphs and crosses so they stand out over any overlay or marker.
    var halo: Colour

    /// Colour of population `index` (cycles); `nil` = network-wide, drawn in the text colour.
    func population(_ index: Int?) -> Colour {
        guard let index else { return foreground }
        return populations[((index % populations.count) + populations.count) % populations.count]
    }
}
