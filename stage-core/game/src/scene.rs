//! The scene a game changes, and what each change leaves to redraw.

use core::fmt;

use heapless::Vec;
use stage_core::format::{GLYPH_SIZE, TILE_SIZE};
use stage_core::{
    Bank, Font, FormatError, Grid, Layer, Palette, ParamError, Rect, RenderParams, Rotation,
    Sprite, Text, TextChars, TileMap, WireColor,
};

use crate::screen::Screen;
use crate::DirtyAreas;

/// A grid of the scene (its index among the scene's layers).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct GridId(u8);

/// A sprite of the scene.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SpriteId(u8);

/// A text layer of the scene.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TextId(u8);

/// Adding a layer to a scene that holds as many as it can.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SceneFull;

impl fmt::Display for SceneFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the scene holds as many layers as it can")
    }
}

impl core::error::Error for SceneFull {}

/// What a frame sent: how many rectangles and pixels (logical pixels).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct FrameStats {
    /// Rectangles rendered.
    pub rects: u32,
    /// Logical pixels sent (each at most once).
    pub pixels: u32,
}

#[derive(Debug)]
struct GridLayer<'a> {
    bank: Bank<'a>,
    palette: Palette<'a>,
    map: TileMap<&'a mut [u8]>,
    rotation: Rotation,
}

#[derive(Debug)]
struct SpriteLayer<'a> {
    bank: Bank<'a>,
    palette: Palette<'a>,
    frame: u8,
    rotation: Rotation,
}

#[derive(Debug)]
struct TextLayer<'a> {
    font: Font<'a>,
    palette: Palette<'a>,
    chars: TextChars<&'a mut [u8]>,
}

#[derive(Debug)]
enum Kind<'a> {
    Grid(GridLayer<'a>),
    Sprite(SpriteLayer<'a>),
    Text(TextLayer<'a>),
}

#[derive(Debug)]
struct Slot<'a> {
    x: i16,
    y: i16,
    visible: bool,
    kind: Kind<'a>,
}

impl Slot<'_> {
    /// Width and height in pixels.
    fn size(&self) -> (u16, u16) {
        match &self.kind {
            Kind::Grid(g) => (g.map.width() * TILE_SIZE, g.map.height() * TILE_SIZE),
            Kind::Sprite(_) => (TILE_SIZE, TILE_SIZE),
            Kind::Text(t) => (t.chars.width() * GLYPH_SIZE, t.chars.height() * GLYPH_SIZE),
        }
    }

    fn layer(&self) -> Layer<'_> {
        let mut layer = match &self.kind {
            Kind::Grid(g) => {
                let mut grid = Grid::new(g.bank, g.palette, g.map.as_view());
                grid.set_rotation(g.rotation);
                Layer::Grid(grid)
            }
            Kind::Sprite(s) => {
                let mut sprite = Sprite::new(s.bank, s.palette);
                // The frame was checked when it was set.
                let _ = sprite.set_frame(s.frame);
                sprite.set_rotation(s.rotation);
                Layer::Sprite(sprite)
            }
            Kind::Text(t) => Layer::Text(Text::new(t.font, t.palette, t.chars.as_view())),
        };
        layer.set_position(self.x, self.y);
        layer
    }
}

/// A scene of up to `N` layers (grids, sprites and text, front first) on a screen, and
/// what changed in it since the last frame.
///
/// Every change goes through the scene, which marks what it leaves to redraw: a sprite
/// moved, turned or given another frame marks where it was and where it is; a tile or a
/// character marks its cell; a layer moved marks both places; scrolling the viewport
/// marks the whole screen. [`Stage::render`] then sends only those areas (merged so that
/// no pixel is sent twice) and forgets them. Maps and text cells are the game's own
/// buffers, borrowed mutably for the scene's life.
///
/// ```
/// use stage_core::framebuffer::Framebuffer;
/// use stage_core::{Bank, Palette};
/// use stage_game::Stage;
///
/// let bank = [0x11u8; 2048];
/// let palette = [0xFFu8; 32];
/// let (bank, palette) = (Bank::new(&bank)?, Palette::new(&palette)?);
/// let mut stage = Stage::<4>::new(128, 128)?;
/// let ball = stage.add_sprite(bank, palette, 0)?;
/// let mut screen = Framebuffer::new(128, 128);
/// let first = stage.render(&mut screen)?; // the first frame sends everything
/// assert_eq!(first.pixels, 128 * 128);
/// stage.move_sprite(ball, 4, 0); // from (0, 0) to (4, 0): a 20x16 area
/// let next = stage.render(&mut screen)?;
/// assert_eq!((next.rects, next.pixels), (1, 20 * 16));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Stage<'a, const N: usize, const D: usize = 16> {
    slots: Vec<Slot<'a>, N>,
    width: u16,
    height: u16,
    scale: u8,
    viewport: (i16, i16),
    background: Option<WireColor>,
    dirty: DirtyAreas<D>,
}

impl<'a, const N: usize, const D: usize> Stage<'a, N, D> {
    /// An empty scene on a `width` x `height` screen (logical pixels), scale 1, black
    /// background, viewport at (0, 0); the whole screen is dirty.
    pub fn new(width: u16, height: u16) -> Result<Self, ParamError> {
        Rect::new(0, 0, width, height)?;
        let mut dirty = DirtyAreas::new(width, height);
        dirty.all();
        Ok(Stage {
            slots: Vec::new(),
            width,
            height,
            scale: 1,
            viewport: (0, 0),
            background: Some(WireColor::BLACK),
            dirty,
        })
    }

    /// Each logical pixel drawn as a `scale` x `scale` block (1..=255).
    pub fn with_scale(mut self, scale: u8) -> Result<Self, ParamError> {
        RenderParams::new(Rect::new(0, 0, 1, 1)?).with_scale(scale)?;
        self.scale = scale;
        Ok(self)
    }

    /// The colour where no layer is opaque (`None`: the transparency key, as the
    /// MicroPython engine sends).
    pub fn with_background(mut self, background: Option<WireColor>) -> Self {
        self.background = background;
        self.dirty.all();
        self
    }

    /// The screen's size in logical pixels.
    pub fn size(&self) -> (u16, u16) {
        (self.width, self.height)
    }

    /// The world pixel shown at the screen's top-left corner.
    pub fn viewport(&self) -> (i16, i16) {
        self.viewport
    }

    /// Scrolls so that world pixel (x, y) is at the screen's top-left corner: the whole
    /// screen is redrawn (unless it doesn't move).
    pub fn scroll_to(&mut self, x: i16, y: i16) {
        if (x, y) != self.viewport {
            self.viewport = (x, y);
            self.dirty.all();
        }
    }

    /// Marks the whole screen for the next frame.
    pub fn invalidate(&mut self) {
        self.dirty.all();
    }

    /// What the next frame will send.
    pub fn dirty(&self) -> &DirtyAreas<D> {
        &self.dirty
    }

    fn push(&mut self, kind: Kind<'a>) -> Result<u8, SceneFull> {
        let index = u8::try_from(self.slots.len()).map_err(|_| SceneFull)?;
        self.slots
            .push(Slot {
                x: 0,
                y: 0,
                visible: true,
                kind,
            })
            .map_err(|_| SceneFull)?;
        self.mark(index);
        Ok(index)
    }

    /// Adds a grid at (0, 0) behind the layers already there.
    pub fn add_grid(
        &mut self,
        bank: Bank<'a>,
        palette: Palette<'a>,
        map: TileMap<&'a mut [u8]>,
    ) -> Result<GridId, SceneFull> {
        self.push(Kind::Grid(GridLayer {
            bank,
            palette,
            map,
            rotation: Rotation::Identity,
        }))
        .map(GridId)
    }

    /// Adds a sprite showing `frame` (taken mod 16) at (0, 0) behind the layers already
    /// there.
    pub fn add_sprite(
        &mut self,
        bank: Bank<'a>,
        palette: Palette<'a>,
        frame: u8,
    ) -> Result<SpriteId, SceneFull> {
        self.push(Kind::Sprite(SpriteLayer {
            bank,
            palette,
            frame: frame & 15,
            rotation: Rotation::Identity,
        }))
        .map(SpriteId)
    }

    /// Adds a text layer at (0, 0) behind the layers already there.
    pub fn add_text(
        &mut self,
        font: Font<'a>,
        palette: Palette<'a>,
        chars: TextChars<&'a mut [u8]>,
    ) -> Result<TextId, SceneFull> {
        self.push(Kind::Text(TextLayer {
            font,
            palette,
            chars,
        }))
        .map(TextId)
    }

    /// Marks where layer `index` shows on the screen (nothing if it is hidden).
    fn mark(&mut self, index: u8) {
        let Some(slot) = self.slots.get(usize::from(index)) else {
            return;
        };
        if slot.visible {
            let (w, h) = slot.size();
            self.mark_world(slot.x, slot.y, w, h);
        }
    }

    /// Marks the screen pixels showing world area `(x, y)`, `w` x `h`: screen pixel
    /// (sx, sy) shows world pixel (sx + vx, sy + vy), wrapping as `i16`.
    fn mark_world(&mut self, x: i16, y: i16, w: u16, h: u16) {
        let left = i32::from(x.wrapping_sub(self.viewport.0));
        let top = i32::from(y.wrapping_sub(self.viewport.1));
        self.dirty
            .add_area(left, top, left + i32::from(w), top + i32::from(h));
    }

    /// Changes layer `index` with `change`, marking where it showed before and after
    /// when `change` says something changed.
    fn change(&mut self, index: u8, change: impl FnOnce(&mut Slot<'a>) -> bool) {
        let Some(slot) = self.slots.get(usize::from(index)) else {
            return;
        };
        let before = (slot.visible, slot.x, slot.y, slot.size());
        let slot = &mut self.slots[usize::from(index)];
        if change(slot) {
            if before.0 {
                let (x, y, (w, h)) = (before.1, before.2, before.3);
                self.mark_world(x, y, w, h);
            }
            self.mark(index);
        }
    }

    fn moved(slot: &mut Slot<'_>, x: i16, y: i16) -> bool {
        let moved = (slot.x, slot.y) != (x, y);
        (slot.x, slot.y) = (x, y);
        moved
    }

    /// Moves a sprite's top-left corner to world pixel (x, y).
    pub fn move_sprite(&mut self, id: SpriteId, x: i16, y: i16) {
        self.change(id.0, |s| Self::moved(s, x, y));
    }

    /// Shows tile `frame` of the sprite's bank (0..=15).
    pub fn set_frame(&mut self, id: SpriteId, frame: u8) -> Result<(), FormatError> {
        if frame > 15 {
            return Err(FormatError::FrameOutOfRange { frame });
        }
        self.change(id.0, |s| match &mut s.kind {
            Kind::Sprite(sprite) if sprite.frame != frame => {
                sprite.frame = frame;
                true
            }
            _ => false,
        });
        Ok(())
    }

    /// Turns a sprite.
    pub fn set_rotation(&mut self, id: SpriteId, rotation: Rotation) {
        self.change(id.0, |s| match &mut s.kind {
            Kind::Sprite(sprite) if sprite.rotation != rotation => {
                sprite.rotation = rotation;
                true
            }
            _ => false,
        });
    }

    /// Shows or hides a sprite.
    pub fn set_visible(&mut self, id: SpriteId, visible: bool) {
        self.change(id.0, |s| {
            let changed = s.visible != visible;
            s.visible = visible;
            changed
        });
    }

    /// A sprite's position, frame, rotation and visibility.
    pub fn sprite(&self, id: SpriteId) -> Option<SpriteState> {
        let slot = self.slots.get(usize::from(id.0))?;
        match &slot.kind {
            Kind::Sprite(s) => Some(SpriteState {
                x: slot.x,
                y: slot.y,
                frame: s.frame,
                rotation: s.rotation,
                visible: slot.visible,
            }),
            _ => None,
        }
    }

    /// Moves a grid's top-left corner to world pixel (x, y).
    pub fn move_grid(&mut self, id: GridId, x: i16, y: i16) {
        self.change(id.0, |s| Self::moved(s, x, y));
    }

    /// Turns every tile of a grid in place.
    pub fn set_grid_rotation(&mut self, id: GridId, rotation: Rotation) {
        self.change(id.0, |s| match &mut s.kind {
            Kind::Grid(grid) if grid.rotation != rotation => {
                grid.rotation = rotation;
                true
            }
            _ => false,
        });
    }

    /// The tile of cell (tx, ty) of a grid (0 outside it).
    pub fn tile(&self, id: GridId, tx: u16, ty: u16) -> u8 {
        match self.slots.get(usize::from(id.0)).map(|s| &s.kind) {
            Some(Kind::Grid(g)) if tx < g.map.width() && ty < g.map.height() => g.map.tile(tx, ty),
            _ => 0,
        }
    }

    /// A grid's size in cells and position.
    pub fn grid(&self, id: GridId) -> Option<GridState> {
        let slot = self.slots.get(usize::from(id.0))?;
        match &slot.kind {
            Kind::Grid(g) => Some(GridState {
                x: slot.x,
                y: slot.y,
                width: g.map.width(),
                height: g.map.height(),
            }),
            _ => None,
        }
    }

    /// Sets cell (tx, ty) of a grid to `tile` (0..=15): its 16x16 cell is redrawn.
    pub fn set_tile(&mut self, id: GridId, tx: u16, ty: u16, tile: u8) -> Result<(), FormatError> {
        let Some(slot) = self.slots.get_mut(usize::from(id.0)) else {
            return Err(FormatError::CellOutOfBounds);
        };
        let Kind::Grid(grid) = &mut slot.kind else {
            return Err(FormatError::CellOutOfBounds);
        };
        if grid.map.tile(tx, ty) == tile && tx < grid.map.width() && ty < grid.map.height() {
            return Ok(());
        }
        grid.map.set_tile(tx, ty, tile)?;
        let (x, y, visible) = (slot.x, slot.y, slot.visible);
        if visible {
            let cx = x.wrapping_add((tx * TILE_SIZE) as i16);
            let cy = y.wrapping_add((ty * TILE_SIZE) as i16);
            self.mark_world(cx, cy, TILE_SIZE, TILE_SIZE);
        }
        Ok(())
    }

    /// Moves a text layer's top-left corner to world pixel (x, y).
    pub fn move_text(&mut self, id: TextId, x: i16, y: i16) {
        self.change(id.0, |s| Self::moved(s, x, y));
    }

    /// Sets cell (col, row) of a text layer to `byte` (bits 0..=6 the glyph, 0 empty;
    /// bit 7 highlights): its 8x8 cell is redrawn if it changed.
    pub fn set_char(
        &mut self,
        id: TextId,
        col: u16,
        row: u16,
        byte: u8,
    ) -> Result<(), FormatError> {
        let Some(slot) = self.slots.get_mut(usize::from(id.0)) else {
            return Err(FormatError::CellOutOfBounds);
        };
        let Kind::Text(text) = &mut slot.kind else {
            return Err(FormatError::CellOutOfBounds);
        };
        if col >= text.chars.width() || row >= text.chars.height() {
            return Err(FormatError::CellOutOfBounds);
        }
        if text.chars.char(col, row) == byte {
            return Ok(());
        }
        text.chars.set_char(col, row, byte)?;
        let (x, y, visible) = (slot.x, slot.y, slot.visible);
        if visible {
            let cx = x.wrapping_add((col * GLYPH_SIZE) as i16);
            let cy = y.wrapping_add((row * GLYPH_SIZE) as i16);
            self.mark_world(cx, cy, GLYPH_SIZE, GLYPH_SIZE);
        }
        Ok(())
    }

    /// Writes `text` into row `row` of a text layer from column `col` on (bytes of
    /// `text`, `\x80`-ored when `highlight`), clipped to the layer; returns the number of
    /// cells written. Only cells that change are redrawn.
    pub fn write(&mut self, id: TextId, col: u16, row: u16, text: &str, highlight: bool) -> u16 {
        let mut written = 0;
        for (i, b) in text.bytes().enumerate() {
            let Ok(i) = u16::try_from(i) else { break };
            let byte = if highlight { b | 0x80 } else { b };
            if self.set_char(id, col.saturating_add(i), row, byte).is_err() {
                break;
            }
            written += 1;
        }
        written
    }

    /// Empties every cell of a text layer.
    pub fn clear_text(&mut self, id: TextId) {
        let size = match self.slots.get(usize::from(id.0)).map(|s| &s.kind) {
            Some(Kind::Text(t)) => (t.chars.width(), t.chars.height()),
            _ => return,
        };
        for row in 0..size.1 {
            for col in 0..size.0 {
                let _ = self.set_char(id, col, row, 0);
            }
        }
    }

    /// The render parameters of screen rectangle `rect`.
    fn params(&self, rect: Rect) -> RenderParams {
        RenderParams::new(rect)
            .with_viewport(self.viewport.0, self.viewport.1)
            .with_background(self.background)
            .with_scale(self.scale)
            .unwrap_or_else(|_| RenderParams::new(rect))
    }

    /// Draws screen rectangle `rect` (logical pixels) of the scene as it is now, without
    /// touching what is marked for the next frame: a screenshot, or a redraw the game
    /// wants itself.
    pub fn draw<S: Screen>(&self, screen: &mut S, rect: Rect) -> Result<(), S::Error> {
        let layers: Vec<Layer<'_>, N> = self
            .slots
            .iter()
            .filter(|s| s.visible)
            .map(Slot::layer)
            .collect();
        screen.draw(&layers, &self.params(rect))
    }

    /// Sends what changed since the last frame to `screen`, each pixel at most once,
    /// and forgets it. Returns what was sent.
    pub fn render<S: Screen>(&mut self, screen: &mut S) -> Result<FrameStats, S::Error> {
        let mut stats = FrameStats::default();
        {
            let layers: Vec<Layer<'_>, N> = self
                .slots
                .iter()
                .filter(|s| s.visible)
                .map(Slot::layer)
                .collect();
            for rect in self.dirty.iter() {
                screen.draw(&layers, &self.params(rect))?;
                stats.rects += 1;
                stats.pixels += u32::from(rect.width()) * u32::from(rect.height());
            }
        }
        self.dirty.clear();
        Ok(stats)
    }

    /// Sends the whole screen to `screen` (what changed is forgotten).
    pub fn render_all<S: Screen>(&mut self, screen: &mut S) -> Result<FrameStats, S::Error> {
        self.dirty.all();
        self.render(screen)
    }
}

/// A sprite as the scene holds it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SpriteState {
    /// Left edge, world pixels.
    pub x: i16,
    /// Top edge, world pixels.
    pub y: i16,
    /// The tile shown.
    pub frame: u8,
    /// How it is turned.
    pub rotation: Rotation,
    /// Whether it is shown.
    pub visible: bool,
}

/// A grid as the scene holds it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct GridState {
    /// Left edge, world pixels.
    pub x: i16,
    /// Top edge, world pixels.
    pub y: i16,
    /// Width in cells.
    pub width: u16,
    /// Height in cells.
    pub height: u16,
}
